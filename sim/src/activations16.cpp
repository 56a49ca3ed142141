// int16 LOGISTIC, TANH and SOFTMAX as TFLite Micro's int16 kernels compute them (the 16x8
// scheme: zero points 0, outputs Q0.15). The tables come from Python
// (edgesmith.arith.sigmoid_table, edgesmith.arith.params_int16_lut), as the generated C
// gets them.
#include <algorithm>
#include <cstdint>
#include <cstdlib>

#include "es_sim/bindings.h"
#include "es_sim/ndarray.h"
#include "es_sim/requant.h"
#include "es_sim/sigmoid_q15.h"

namespace es_sim {

namespace {

using ArrayI16 = Array<int16_t>;
using Table16 = Array<uint16_t>;

// The input stage: x rescaled to 1 / (3 * 4096) per unit; multiplier 0 is TFLite's
// power-of-two case (x * (3 << shift), no rounding).
struct SigmoidInput {
    int32_t multiplier;
    int shift;
    int32_t round;
    SigmoidInput(int32_t input_multiplier, int input_left_shift) {
        if (input_left_shift < 0 || input_left_shift > 31 || input_multiplier < 0 ||
            input_multiplier > 65535) {
            throw py::value_error("int16 logistic/tanh: multiplier outside [0, 65535] or shift "
                                  "outside [0, 31]");
        }
        multiplier = input_multiplier ? input_multiplier : 3 << input_left_shift;
        shift = input_multiplier ? input_left_shift : 0;
        round = shift > 0 ? int32_t{1} << (shift - 1) : 0;
    }
    int32_t operator()(int16_t x) const { return (x * multiplier + round) >> shift; }
};

template <int16_t (*Function)(const uint16_t*, int32_t)>
ArrayI16 sigmoid_like_s16(const ArrayI16& x, const Table16& table, int32_t input_multiplier,
                          int input_left_shift) {
    require_size(table, 256, "sigmoid table");
    const SigmoidInput input(input_multiplier, input_left_shift);
    ArrayI16 out(shape_of(x));
    const int16_t* src = x.data();
    int16_t* dst = out.mutable_data();
    const uint16_t* t = table.data();
    py::gil_scoped_release release;
    for (py::ssize_t i = 0; i < x.size(); ++i) dst[i] = Function(t, input(src[i]));
    return out;
}

// TFLite's LUTLookup: 512 intervals of 128 codes, linear interpolation with rounding.
int16_t lut_lookup(int16_t value, const int16_t* lut) {
    const int index = 256 + (value >> 7);
    const int32_t offset = value & 0x7F;
    const int32_t slope = lut[index + 1] - lut[index];
    return static_cast<int16_t>(lut[index] + ((slope * offset + 64) >> 7));
}

int16_t sat16(int32_t v) { return static_cast<int16_t>(std::min(32767, std::max(-32768, v))); }

int count_leading_zeros(uint32_t v) {
    int n = 0;
    for (uint32_t bit = 0x80000000u; bit && !(v & bit); bit >>= 1) ++n;
    return n;
}

void softmax_row_s16(const int16_t* in, int16_t* out, py::ssize_t depth, int32_t multiplier,
                     int left_shift, const int16_t* exp_lut, const int16_t* reciprocal_lut) {
    const int16_t max_in_row = *std::max_element(in, in + depth);
    int32_t sum = 0;  // Q16.15; the exponentials wait in the output row
    for (py::ssize_t c = 0; c < depth; ++c) {
        const int32_t scaled =
            multiply_by_quantized_multiplier(in[c] - max_in_row, multiplier, left_shift);
        out[c] = lut_lookup(sat16(scaled + 32767), exp_lut);
        sum += out[c];
    }
    const int headroom_plus_one = count_leading_zeros(static_cast<uint32_t>(sum));
    const int32_t shifted =
        static_cast<int32_t>(((static_cast<int64_t>(sum) << (headroom_plus_one - 1)) +
                              (1 << 13)) >> 14);
    // 1 / (1 + x) for x = shifted - 1 in [0, 1), recentred on the table's int16 range
    const int16_t reciprocal = lut_lookup(sat16(shifted - ((1 << 15) + (1 << 16))),
                                          reciprocal_lut);
    const int right_shift = 31 - headroom_plus_one;
    const int64_t round = int64_t{1} << (right_shift - 1);
    for (py::ssize_t c = 0; c < depth; ++c) {
        const int64_t v = (static_cast<int64_t>(out[c]) * reciprocal + round) >> right_shift;
        out[c] = static_cast<int16_t>(std::min<int64_t>(std::max<int64_t>(v, 0), 32767));
    }
}

ArrayI16 softmax_s16(const ArrayI16& x, int32_t input_multiplier, int input_left_shift,
                     const ArrayI16& exp_table, const ArrayI16& reciprocal_table) {
    if (x.ndim() < 1) throw py::value_error("softmax input needs at least one dimension");
    if (input_left_shift < -31 || input_left_shift > 15 || input_multiplier < 0) {
        throw py::value_error("int16 softmax: negative multiplier or shift outside [-31, 15]");
    }
    require_size(exp_table, 513, "softmax exp table");
    require_size(reciprocal_table, 513, "softmax reciprocal table");
    const py::ssize_t depth = x.shape(x.ndim() - 1);
    ArrayI16 out(shape_of(x));
    const int16_t* src = x.data();
    int16_t* dst = out.mutable_data();
    py::gil_scoped_release release;
    for (py::ssize_t row = 0; depth > 0 && row < x.size() / depth; ++row) {
        softmax_row_s16(src + row * depth, dst + row * depth, depth, input_multiplier,
                        input_left_shift, exp_table.data(), reciprocal_table.data());
    }
    return out;
}

}  // namespace

void register_activations16(py::module_& m) {
    m.def("logistic_s16", &sigmoid_like_s16<sigmoid_q15>, py::arg("x"), py::arg("table"),
          py::arg("input_multiplier"), py::arg("input_left_shift"),
          "TFLite Micro's int16 logistic (output Q0.15) through the interpolated sigmoid "
          "table.");
    m.def("tanh_s16", &sigmoid_like_s16<tanh_q15>, py::arg("x"), py::arg("table"),
          py::arg("input_multiplier"), py::arg("input_left_shift"),
          "TFLite Micro's int16 tanh (output Q0.15) through the same table at twice the "
          "argument.");
    m.def("softmax_s16", &softmax_s16, py::arg("x"), py::arg("input_multiplier"),
          py::arg("input_left_shift"), py::arg("exp_table"), py::arg("reciprocal_table"),
          "TFLite Micro's int16 softmax over the last axis (output Q0.15): exp and 1 / (1 + x) "
          "interpolation tables of 513 entries.");
}

}  // namespace es_sim
