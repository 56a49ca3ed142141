// fully_connected on int8 batches.
//
// Two output stages exist, both taken from TFLite reference kernels:
// * real_scale given (what LiteRT's BUILTIN_REF fully-connected kernel does
//   since 2025): the int32 accumulator times the double real multiplier
//   input_scale * weight_scale / output_scale, rounded half away from zero;
// * otherwise the integer multiplier and shift of requant.h (the TFLite Micro
//   and CMSIS-NN arithmetic).
#include <cmath>
#include <limits>
#include <optional>
#include <vector>

#include "es_sim/bindings.h"
#include "es_sim/dot.h"
#include "es_sim/ndarray.h"
#include "es_sim/requant.h"

namespace es_sim {

namespace {

// double -> int32 as the x86-64 conversion instruction does it: values that
// do not fit (and NaN) become INT32_MIN. The reference casts without a check.
int32_t round_to_int32_like_x86(double value) {
    const double r = std::round(value);
    if (!(r >= -2147483648.0 && r < 2147483648.0)) {
        return std::numeric_limits<int32_t>::min();
    }
    return static_cast<int32_t>(r);
}

ArrayI8 fully_connected_s8(const ArrayI8& x, const ArrayI8& weights,
                           const std::optional<ArrayI32>& bias, int32_t input_offset,
                           int32_t weights_offset, int32_t output_offset,
                           const ArrayI32& multiplier, const ArrayI32& shift,
                           const std::optional<ArrayF64>& real_scale, int32_t act_min,
                           int32_t act_max) {
    require_rank(weights, 2, "fully_connected weights");
    check_activation_range(act_min, act_max);
    const py::ssize_t out_c = weights.shape(0), depth = weights.shape(1);
    if (x.ndim() < 1 || x.size() % depth != 0) {
        throw py::value_error("fully_connected input size is not a multiple of the weight depth");
    }
    const py::ssize_t rows = x.size() / depth;
    if (x.ndim() >= 1 && rows != x.shape(0)) {
        throw py::value_error("fully_connected input must hold one row of features per sample");
    }
    const ChannelRequant requant(multiplier, shift, out_c);
    const double* scales = nullptr;
    if (real_scale) {
        if (real_scale->size() != 1 && real_scale->size() != out_c) {
            throw py::value_error("real_scale must have 1 or out_channels entries");
        }
        scales = real_scale->data();
    }
    const bool per_channel_scale = real_scale && real_scale->size() != 1;
    const int32_t* b = nullptr;
    if (bias) {
        require_size(*bias, out_c, "bias");
        b = bias->data();
    }

    check_input_offset(input_offset);
    ArrayI8 out({rows, out_c});
    const int8_t* src = x.data();
    const int8_t* w = weights.data();
    int8_t* dst = out.mutable_data();
    {
        py::gil_scoped_release release;
        const int k = static_cast<int>(depth);
        std::vector<int16_t> row(depth);
        for (py::ssize_t r = 0; r < rows; ++r) {
            widen_with_offset(row.data(), src + r * depth, input_offset, k);
            // sum((w + wo) * x') = sum(w * x') + wo * sum(x'), exactly, in wrapping int32
            int32_t row_sum = 0;
            for (int d = 0; d < k; ++d) row_sum += row[d];
            for (py::ssize_t oc = 0; oc < out_c; ++oc) {
                int32_t acc = dot_s8_s16(w + oc * depth, row.data(), k) + weights_offset * row_sum;
                if (b) acc += b[oc];
                int32_t scaled;
                if (scales) {
                    const double s = scales[per_channel_scale ? oc : 0];
                    scaled = round_to_int32_like_x86(static_cast<double>(acc) * s);
                } else {
                    scaled = multiply_by_quantized_multiplier(acc, requant.mult_of(oc),
                                                              requant.shift_of(oc));
                }
                *dst++ = clamp_to_s8(scaled + output_offset, act_min, act_max);
            }
        }
    }
    return out;
}

}  // namespace

void register_fully_connected(py::module_& m) {
    m.def("fully_connected_s8", &fully_connected_s8, py::arg("x"), py::arg("weights"),
          py::arg("bias"), py::arg("input_offset"), py::arg("weights_offset"),
          py::arg("output_offset"), py::arg("multiplier"), py::arg("shift"), py::arg("real_scale"),
          py::arg("act_min"), py::arg("act_max"),
          "int8 dense layer over a batch [N, K] x [O, K]; real_scale selects the "
          "float output stage of LiteRT's reference kernel.");
}

}  // namespace es_sim
