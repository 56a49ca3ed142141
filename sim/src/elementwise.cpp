// Elementwise int8 kernels: add, mul, requantize (also relu/relu6 and the
// int8 -> int8 quantize). The float edges are in convert.cpp.
//
// Binary kernels take operands already broadcast to the output shape.

#include "es_sim/bindings.h"
#include "es_sim/ndarray.h"
#include "es_sim/requant.h"

namespace es_sim {

namespace {

void require_same_shape(const ArrayI8& a, const ArrayI8& b) {
    if (shape_of(a) != shape_of(b)) {
        throw py::value_error("operands must be broadcast to one shape before the call");
    }
}

struct AddParams {
    int left_shift;
    int32_t input1_offset, input1_multiplier, input1_shift;
    int32_t input2_offset, input2_multiplier, input2_shift;
    int32_t output_offset, output_multiplier, output_shift;
    int32_t act_min, act_max;
};

// Both inputs are brought to a common scale with 20 bits of headroom, added,
// and the sum is scaled to the output.
int8_t add_one(int8_t a, int8_t b, const AddParams& p) {
    const int32_t shifted1 = (a + p.input1_offset) * (int32_t{1} << p.left_shift);
    const int32_t shifted2 = (b + p.input2_offset) * (int32_t{1} << p.left_shift);
    const int32_t scaled1 =
        multiply_by_quantized_multiplier(shifted1, p.input1_multiplier, p.input1_shift);
    const int32_t scaled2 =
        multiply_by_quantized_multiplier(shifted2, p.input2_multiplier, p.input2_shift);
    const int32_t sum =
        multiply_by_quantized_multiplier(scaled1 + scaled2, p.output_multiplier, p.output_shift);
    return clamp_to_s8(sum + p.output_offset, p.act_min, p.act_max);
}

ArrayI8 add_s8(const ArrayI8& a, const ArrayI8& b, const AddParams& p) {
    require_same_shape(a, b);
    check_activation_range(p.act_min, p.act_max);
    if (p.left_shift < 0 || p.left_shift > 24) throw py::value_error("left_shift outside [0, 24]");
    ArrayI8 out(shape_of(a));
    const int8_t* pa = a.data();
    const int8_t* pb = b.data();
    int8_t* dst = out.mutable_data();
    py::gil_scoped_release release;
    for (py::ssize_t i = 0; i < a.size(); ++i) dst[i] = add_one(pa[i], pb[i], p);
    return out;
}

ArrayI8 mul_s8(const ArrayI8& a, const ArrayI8& b, int32_t input1_offset, int32_t input2_offset,
               int32_t output_offset, int32_t output_multiplier, int output_shift, int32_t act_min,
               int32_t act_max) {
    require_same_shape(a, b);
    check_activation_range(act_min, act_max);
    ArrayI8 out(shape_of(a));
    const int8_t* pa = a.data();
    const int8_t* pb = b.data();
    int8_t* dst = out.mutable_data();
    py::gil_scoped_release release;
    for (py::ssize_t i = 0; i < a.size(); ++i) {
        const int32_t product = (pa[i] + input1_offset) * (pb[i] + input2_offset);
        const int32_t scaled =
            multiply_by_quantized_multiplier(product, output_multiplier, output_shift);
        dst[i] = clamp_to_s8(scaled + output_offset, act_min, act_max);
    }
    return out;
}

// (x - input_zero_point) * M + output_zero_point, clamped: the int8 -> int8
// quantize op, and relu / relu6 / relu_n1_to_1 with their clamp bounds.
ArrayI8 requantize_s8(const ArrayI8& x, int32_t input_zero_point, int32_t output_zero_point,
                      int32_t multiplier, int shift, int32_t act_min, int32_t act_max) {
    check_activation_range(act_min, act_max);
    ArrayI8 out(shape_of(x));
    const int8_t* src = x.data();
    int8_t* dst = out.mutable_data();
    py::gil_scoped_release release;
    for (py::ssize_t i = 0; i < x.size(); ++i) {
        const int32_t scaled =
            multiply_by_quantized_multiplier(src[i] - input_zero_point, multiplier, shift);
        dst[i] = clamp_to_s8(scaled + output_zero_point, act_min, act_max);
    }
    return out;
}

}  // namespace

void register_elementwise(py::module_& m) {
    m.def(
        "add_s8",
        [](const ArrayI8& a, const ArrayI8& b, int left_shift, int32_t input1_offset,
           int32_t input1_multiplier, int32_t input1_shift, int32_t input2_offset,
           int32_t input2_multiplier, int32_t input2_shift, int32_t output_offset,
           int32_t output_multiplier, int32_t output_shift, int32_t act_min, int32_t act_max) {
            return add_s8(a, b,
                          AddParams{left_shift, input1_offset, input1_multiplier, input1_shift,
                                    input2_offset, input2_multiplier, input2_shift, output_offset,
                                    output_multiplier, output_shift, act_min, act_max});
        },
        py::arg("a"), py::arg("b"), py::arg("left_shift"), py::arg("input1_offset"),
        py::arg("input1_multiplier"), py::arg("input1_shift"), py::arg("input2_offset"),
        py::arg("input2_multiplier"), py::arg("input2_shift"), py::arg("output_offset"),
        py::arg("output_multiplier"), py::arg("output_shift"), py::arg("act_min"),
        py::arg("act_max"), "int8 a + b (same shapes), TFLite's rescale-with-headroom scheme.");
    m.def("mul_s8", &mul_s8, py::arg("a"), py::arg("b"), py::arg("input1_offset"),
          py::arg("input2_offset"), py::arg("output_offset"), py::arg("output_multiplier"),
          py::arg("output_shift"), py::arg("act_min"), py::arg("act_max"),
          "int8 a * b (same shapes).");
    // quantize between int8 formats, and the relu family (the same rescale with a clamp)
    for (const char *name : {"quantize_s8", "relu_s8"}) {
        m.def(name, &requantize_s8, py::arg("x"), py::arg("input_zero_point"),
              py::arg("output_zero_point"), py::arg("multiplier"), py::arg("shift"), py::arg("act_min"),
              py::arg("act_max"),
              "int8 -> int8 with a new format and a clamp (quantize, relu, relu6).");
    }
}

}  // namespace es_sim
