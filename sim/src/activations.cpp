// softmax, and the table-driven logistic and tanh, on int8 batches.
//
// Softmax follows the fixed-point algorithm of TFLite's reference kernel
// (the BUILTIN_REF resolver selects it; the optimized kernels use a float
// table instead). Logistic and tanh in int8 are a 256-entry lookup table in
// every TFLite CPU kernel; the table is built here, with the C library's
// single-precision expf/tanhf, because the reference builds it that way.
#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "es_sim/bindings.h"
#include "es_sim/fixed_point.h"
#include "es_sim/ndarray.h"
#include "es_sim/requant.h"

namespace es_sim {

namespace {

constexpr int kScaledDiffIntegerBits = 5;
constexpr int kAccumulationIntegerBits = 12;

// exp(beta * (x - max)) in Q0.31 for one input difference already rescaled.
int32_t exp_of_scaled_diff(int32_t input_diff, int32_t multiplier, int left_shift) {
    const int32_t rescaled = multiply_by_quantized_multiplier(input_diff, multiplier, left_shift);
    return fixed::exp_on_negative_values(rescaled, kScaledDiffIntegerBits);
}

// OutT: int8 (scale 1/256, zero point -128) or int16 (scale 1/65536, zero point -32768);
// only the final shift and the clamp depend on it, as in the reference's template.
template <typename OutT>
void softmax_row(const int8_t* in, OutT* out, py::ssize_t depth, int32_t multiplier,
                 int left_shift, int32_t diff_min) {
    constexpr int32_t kOutMin = std::numeric_limits<OutT>::min();
    constexpr int32_t kOutMax = std::numeric_limits<OutT>::max();
    int32_t max_in_row = -128;
    for (py::ssize_t c = 0; c < depth; ++c) max_in_row = std::max<int32_t>(max_in_row, in[c]);

    int32_t sum_of_exps = 0;  // 12 integer bits
    for (py::ssize_t c = 0; c < depth; ++c) {
        const int32_t diff = in[c] - max_in_row;
        if (diff >= diff_min) {
            const int32_t e = exp_of_scaled_diff(diff, multiplier, left_shift);
            sum_of_exps = fixed::add(sum_of_exps, fixed::rescale(e, 0, kAccumulationIntegerBits));
        }
    }
    int num_bits_over_unit = 0;
    const int32_t shifted_scale =
        fixed::reciprocal(sum_of_exps, kAccumulationIntegerBits, &num_bits_over_unit);
    // Output is 2^-bits per step: a Q0.31 probability shifted down to the output's bits.
    const int exponent = num_bits_over_unit + 31 - 8 * static_cast<int>(sizeof(OutT));
    if (exponent < 0 || exponent > 31) throw std::runtime_error("softmax exponent out of range");
    for (py::ssize_t c = 0; c < depth; ++c) {
        const int32_t diff = in[c] - max_in_row;
        if (diff < diff_min) {
            out[c] = static_cast<OutT>(kOutMin);
            continue;
        }
        const int32_t e = exp_of_scaled_diff(diff, multiplier, left_shift);
        const int32_t unsat = rounding_divide_by_pot(fixed::mul(shifted_scale, e), exponent);
        out[c] = static_cast<OutT>(std::min(std::max(unsat + kOutMin, kOutMin), kOutMax));
    }
}

template <typename OutT>
Array<OutT> softmax_from_s8(const ArrayI8& x, int32_t input_multiplier, int input_left_shift,
                            int32_t diff_min) {
    if (x.ndim() < 1) throw py::value_error("softmax input needs at least one dimension");
    if (input_left_shift < 0 || input_left_shift > 31) {
        throw py::value_error("softmax input_left_shift outside [0, 31]");
    }
    const py::ssize_t depth = x.shape(x.ndim() - 1);
    Array<OutT> out(shape_of(x));
    const int8_t* src = x.data();
    OutT* dst = out.mutable_data();
    py::gil_scoped_release release;
    for (py::ssize_t row = 0; depth > 0 && row < x.size() / depth; ++row) {
        softmax_row(src + row * depth, dst + row * depth, depth, input_multiplier, input_left_shift,
                    diff_min);
    }
    return out;
}

// table[q + 128] = output code of f(input_scale * (q - input_zero_point)), all in float.
ArrayI8 populate_lut_s8(const std::string& function, float input_scale, int32_t input_zero_point,
                        float output_scale, int32_t output_zero_point) {
    float (*transform)(float) = nullptr;
    if (function == "logistic") {
        transform = [](float v) { return 1.0f / (1.0f + std::exp(-v)); };
    } else if (function == "tanh") {
        transform = [](float v) { return std::tanh(v); };
    } else if (function == "elu") {
        // exp(v) - 1 in float, not expm1: the transform LiteRT and TFLite Micro tabulate
        transform = [](float v) { return v < 0.0f ? std::exp(v) - 1.0f : v; };
    } else {
        throw py::value_error("lookup tables exist for 'logistic', 'tanh' and 'elu' only");
    }
    ArrayI8 table(py::ssize_t{256});
    int8_t* dst = table.mutable_data();
    const float inverse_scale = 1 / output_scale;
    for (int32_t q = -128; q <= 127; ++q) {
        const float real = input_scale * static_cast<float>(q - input_zero_point);
        const float rescaled = std::round(transform(real) * inverse_scale);
        dst[q + 128] = clamp_to_s8(static_cast<int32_t>(rescaled + output_zero_point), -128, 127);
    }
    return table;
}

ArrayI8 lut_s8(const ArrayI8& x, const ArrayI8& table) {
    require_size(table, 256, "lookup table");
    ArrayI8 out(shape_of(x));
    const int8_t* src = x.data();
    const int8_t* t = table.data();
    int8_t* dst = out.mutable_data();
    py::gil_scoped_release release;
    for (py::ssize_t i = 0; i < x.size(); ++i) dst[i] = t[src[i] + 128];
    return out;
}

}  // namespace

void register_activations(py::module_& m) {
    m.def("softmax_s8", &softmax_from_s8<int8_t>, py::arg("x"), py::arg("input_multiplier"),
          py::arg("input_left_shift"), py::arg("diff_min"),
          "int8 softmax over the last axis; output scale 1/256, zero point -128.");
    m.def("softmax_s8_s16", &softmax_from_s8<int16_t>, py::arg("x"),
          py::arg("input_multiplier"), py::arg("input_left_shift"), py::arg("diff_min"),
          "int8 in, int16 out softmax over the last axis; output scale 1/65536, zero point "
          "-32768.");
    m.def("populate_lut_s8", &populate_lut_s8, py::arg("function"), py::arg("input_scale"),
          py::arg("input_zero_point"), py::arg("output_scale"), py::arg("output_zero_point"),
          "256-entry int8 table of 'logistic', 'tanh' or 'elu', indexed by q + 128.");
    // logistic, tanh and the unary ops tabulated offline: one kernel, a 256-entry table
    for (const char *name : {"logistic_s8", "tanh_s8", "elu_s8", "hard_swish_s8", "rsqrt_s8",
                             "neg_s8"}) {
        m.def(name, &lut_s8, py::arg("x"), py::arg("table"),
              "Apply a 256-entry int8 table indexed by q + 128.");
    }
}

}  // namespace es_sim
