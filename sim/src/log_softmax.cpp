// int8 log_softmax over the last axis: the fixed-point algorithm of TFLite's reference
// integer kernel (the one TFLite Micro runs). The row's input differences are scaled into
// 5 integer bits as softmax scales them; their exponentials are summed with 12 integer bits;
// the log of that sum (a gemmlowp-style fixed-point log, below) is subtracted from each
// scaled difference and the result lands on the output scale 16/256, zero point 127.
#include <algorithm>
#include <cstdint>
#include <limits>

#include "es_sim/bindings.h"
#include "es_sim/fixed_point.h"
#include "es_sim/ndarray.h"
#include "es_sim/requant.h"

namespace es_sim {

namespace {

constexpr int kInputIntegerBits = 5;
constexpr int kAccumulationIntegerBits = 12;
constexpr int kOutputIntegerBits = 4;
constexpr int32_t kOutputZeroPoint = 127;

int32_t saturating_add(int32_t a, int32_t b) {
    const int64_t sum = static_cast<int64_t>(a) + b;
    return static_cast<int32_t>(std::clamp<int64_t>(sum, fixed::kRawMin, fixed::kRawMax));
}

int32_t saturating_sub(int32_t a, int32_t b) {
    const int64_t diff = static_cast<int64_t>(a) - b;
    return static_cast<int32_t>(std::clamp<int64_t>(diff, fixed::kRawMin, fixed::kRawMax));
}

int leading_zeros(int32_t x) {
    const uint32_t ux = static_cast<uint32_t>(x);
    return ux == 0 ? 32 : __builtin_clz(ux);
}

// log(x) for x >= 1 given with `in_bits` integer bits, returned with `out_bits` (one more
// bit of headroom while accumulating). x = 2^e * r with r in [sqrt(1/2), sqrt(2)): the
// exponent e (from the leading zeros, adjusted by a quarter) times log 2, plus log(r) from a
// rational approximation around 2^-1/4 whose denominator goes through 1 / (1 + x).
int32_t log_of_at_least_one(int32_t x, int in_bits, int out_bits) {
    const int accum_bits = out_bits + 1;
    const int32_t log_2 = 1488522236, sqrt_sqrt_half = 1805811301, sqrt_half = 1518500250;
    const int32_t one_quarter = 536870912;
    const int32_t alpha_n = 117049297, alpha_d = 127690142, alpha_i = 1057819769,
                  alpha_f = 638450708;
    const int32_t shifted_quarter = fixed::rescale(one_quarter, 0, accum_bits);

    // candidate a: x normalised to [1/2, 1), times sqrt(1/2), doubled; exponent + 1/4
    const int a_headroom_plus_1 = leading_zeros(x);
    const int32_t r_a_unscaled = fixed::mul_pot(x, a_headroom_plus_1 - 1);
    const int32_t r_a = fixed::mul_pot(fixed::mul(r_a_unscaled, sqrt_half), 1);
    const int32_t a_pow_2 = saturating_add(
        fixed::mul_pot(in_bits - a_headroom_plus_1, 31 - accum_bits), shifted_quarter);
    // candidate b: x times sqrt(1/2) normalised; exponent - 1/4
    const int b_headroom = leading_zeros(fixed::mul(x, sqrt_half)) - 1;
    const int32_t r_b = fixed::mul_pot(x, b_headroom);
    const int32_t b_pow_2 = saturating_sub(
        fixed::mul_pot(in_bits - b_headroom, 31 - accum_bits), shifted_quarter);

    const int32_t r = std::min(r_a, r_b);
    const int32_t pow_2 = std::max(a_pow_2, b_pow_2);
    const int32_t p = fixed::rounding_half_sum(r, sqrt_sqrt_half);
    int32_t q = fixed::sub(r, sqrt_sqrt_half);
    q = fixed::add(q, q);
    const int32_t q_squared = fixed::mul(q, q);
    const int32_t numerator = fixed::add(fixed::mul(q, r),
                                         fixed::mul(fixed::mul(q, q_squared), alpha_n));
    const int32_t denominator_minus_one = fixed::add(
        fixed::mul(p, fixed::add(fixed::add(alpha_i, q), fixed::mul(alpha_d, q_squared))),
        fixed::mul(alpha_f, q));
    const int32_t reciprocal = fixed::one_over_one_plus_x(denominator_minus_one);
    const int32_t numerator_scaled = fixed::rescale(numerator, 0, accum_bits);
    const int32_t log_x = fixed::add(fixed::mul(pow_2, log_2),
                                     fixed::mul(numerator_scaled, reciprocal));
    return fixed::rescale(log_x, accum_bits, out_bits);
}

struct Params {
    int32_t input_multiplier;
    int input_left_shift;
    int32_t reverse_scaling_divisor;
    int reverse_scaling_right_shift;
    int32_t diff_min;
};

void log_softmax_row(const int8_t* in, int8_t* out, py::ssize_t depth, const Params& p) {
    int32_t max_in_row = -128;
    for (py::ssize_t c = 0; c < depth; ++c) max_in_row = std::max<int32_t>(max_in_row, in[c]);

    int32_t sum_of_exps = 0;  // 12 integer bits
    for (py::ssize_t c = 0; c < depth; ++c) {
        const int32_t diff = in[c] - max_in_row;
        if (diff >= p.diff_min) {
            const int32_t scaled =
                multiply_by_quantized_multiplier(diff, p.input_multiplier, p.input_left_shift);
            const int32_t e = fixed::exp_on_negative_values(scaled, kInputIntegerBits);
            sum_of_exps = fixed::add(sum_of_exps, fixed::rescale(e, 0, kAccumulationIntegerBits));
        }
    }
    const int32_t log_sum =
        log_of_at_least_one(sum_of_exps, kAccumulationIntegerBits, kInputIntegerBits);
    // the most negative scaled difference whose difference to log_sum still fits in int32,
    // back in input steps: anything at or below it is the lowest code
    const int32_t lowest_scaled = fixed::add(log_sum, fixed::kRawMin);
    const int32_t adjusted_diff_min = std::max(
        p.diff_min - 1, multiply_by_quantized_multiplier(lowest_scaled, p.reverse_scaling_divisor,
                                                         -p.reverse_scaling_right_shift));
    for (py::ssize_t c = 0; c < depth; ++c) {
        const int32_t diff = in[c] - max_in_row;
        if (diff <= adjusted_diff_min) {
            out[c] = -128;
            continue;
        }
        const int32_t scaled =
            multiply_by_quantized_multiplier(diff, p.input_multiplier, p.input_left_shift);
        const int32_t value = rounding_divide_by_pot(
            fixed::sub(scaled, log_sum), 31 - kInputIntegerBits - kOutputIntegerBits);
        out[c] = static_cast<int8_t>(std::clamp(value + kOutputZeroPoint, -128, 127));
    }
}

ArrayI8 log_softmax_s8(const ArrayI8& x, int32_t input_multiplier, int input_left_shift,
                       int32_t reverse_scaling_divisor, int reverse_scaling_right_shift,
                       int32_t diff_min) {
    if (x.ndim() < 1) throw py::value_error("log_softmax input needs at least one dimension");
    if (input_left_shift < 0 || input_left_shift > 31 || reverse_scaling_right_shift < 0 ||
        reverse_scaling_right_shift > 31 || diff_min > 0) {
        throw py::value_error("log_softmax parameters out of range");
    }
    const Params p{input_multiplier, input_left_shift, reverse_scaling_divisor,
                   reverse_scaling_right_shift, diff_min};
    const py::ssize_t depth = x.shape(x.ndim() - 1);
    ArrayI8 out(shape_of(x));
    const int8_t* src = x.data();
    int8_t* dst = out.mutable_data();
    py::gil_scoped_release release;
    for (py::ssize_t row = 0; depth > 0 && row < x.size() / depth; ++row) {
        log_softmax_row(src + row * depth, dst + row * depth, depth, p);
    }
    return out;
}

}  // namespace

void register_log_softmax(py::module_& m) {
    m.def("log_softmax_s8", &log_softmax_s8, py::arg("x"), py::arg("input_multiplier"),
          py::arg("input_left_shift"), py::arg("reverse_scaling_divisor"),
          py::arg("reverse_scaling_right_shift"), py::arg("diff_min"),
          "int8 log_softmax over the last axis; output scale 16/256, zero point 127.");
}

}  // namespace es_sim
