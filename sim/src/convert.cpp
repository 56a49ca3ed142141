// The conversions at the edges of an integer model, as TFLite's reference quantize and
// dequantize kernels compute them: float32 -> int (quantize_f32_<t>), int -> int with a
// new format (quantize_<from>_<to>; int8 -> int8 is quantize_s8 in elementwise.cpp) and
// int -> float32 (dequantize_<t>_f32), for t in s8, u8, s16.
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>

#include "es_sim/bindings.h"
#include "es_sim/ndarray.h"
#include "es_sim/requant.h"

namespace es_sim {

namespace {

template <typename T>
void check_range_of(int32_t qmin, int32_t qmax) {
    if (qmin > qmax || qmin < std::numeric_limits<T>::min() ||
        qmax > std::numeric_limits<T>::max()) {
        throw py::value_error("clamp range [qmin, qmax] must lie inside the output type");
    }
}

template <typename T>
T clamp_to(int32_t value, int32_t qmin, int32_t qmax) {
    value = value < qmin ? qmin : value;
    value = value > qmax ? qmax : value;
    return static_cast<T>(value);
}

// round(x / scale) + zero_point in float arithmetic, rounding half away from zero; a
// quotient that does not fit int32 (or NaN) becomes INT32_MIN, as the unchecked cast of
// the reference does on x86-64, and adding the zero point wraps like its int32 addition.
template <typename T>
Array<T> quantize_from_f32(const ArrayF32& x, float scale, int32_t zero_point, int32_t qmin,
                           int32_t qmax) {
    check_range_of<T>(qmin, qmax);
    Array<T> out(shape_of(x));
    const float* src = x.data();
    T* dst = out.mutable_data();
    py::gil_scoped_release release;
    for (py::ssize_t i = 0; i < x.size(); ++i) {
        const float r = std::round(src[i] / scale);
        const int32_t q = (r >= -2147483648.0f && r < 2147483648.0f)
                              ? static_cast<int32_t>(r)
                              : std::numeric_limits<int32_t>::min();
        const int32_t shifted =
            static_cast<int32_t>(static_cast<uint32_t>(q) + static_cast<uint32_t>(zero_point));
        dst[i] = clamp_to<T>(shifted, qmin, qmax);
    }
    return out;
}

// (x - input_zero_point) * M + output_zero_point, clamped to the output type.
template <typename In, typename Out>
Array<Out> requantize(const Array<In>& x, int32_t input_zero_point, int32_t output_zero_point,
                      int32_t multiplier, int shift, int32_t qmin, int32_t qmax) {
    check_range_of<Out>(qmin, qmax);
    Array<Out> out(shape_of(x));
    const In* src = x.data();
    Out* dst = out.mutable_data();
    py::gil_scoped_release release;
    for (py::ssize_t i = 0; i < x.size(); ++i) {
        const int32_t scaled = multiply_by_quantized_multiplier(
            static_cast<int32_t>(src[i]) - input_zero_point, multiplier, shift);
        const int64_t value = static_cast<int64_t>(scaled) + output_zero_point;  // no overflow
        dst[i] = static_cast<Out>(value < qmin ? qmin : (value > qmax ? qmax : value));
    }
    return out;
}

// float(scale * (q - zero_point)). The reference takes the product in double, but a
// float32 scale times an integer below 2^17 is exact in double, so one float32 multiply
// rounds the same exact product once: the same bits, without doubles.
template <typename T>
ArrayF32 dequantize_to_f32(const Array<T>& x, float scale, int32_t zero_point) {
    ArrayF32 out(shape_of(x));
    const T* src = x.data();
    float* dst = out.mutable_data();
    py::gil_scoped_release release;
    for (py::ssize_t i = 0; i < x.size(); ++i) {
        dst[i] = scale * static_cast<float>(static_cast<int32_t>(src[i]) - zero_point);
    }
    return out;
}

template <typename T>
void def_float_pair(py::module_& m, const std::string& tag) {
    m.def(("quantize_f32_" + tag).c_str(), &quantize_from_f32<T>, py::arg("x"),
          py::arg("scale"), py::arg("zero_point"), py::arg("qmin"), py::arg("qmax"),
          "float32 -> integer as TFLite's reference quantize rounds.");
    m.def(("dequantize_" + tag + "_f32").c_str(), &dequantize_to_f32<T>, py::arg("x"),
          py::arg("scale"), py::arg("zero_point"), "integer -> float32, scale * (q - zero_point).");
}

template <typename In, typename Out>
void def_requantize(py::module_& m, const std::string& name) {
    m.def(name.c_str(), &requantize<In, Out>, py::arg("x"), py::arg("input_zero_point"),
          py::arg("output_zero_point"), py::arg("multiplier"), py::arg("shift"), py::arg("act_min"),
          py::arg("act_max"), "integer -> integer with a new format (TFLite's Requantize).");
}

}  // namespace

void register_convert(py::module_& m) {
    def_float_pair<int8_t>(m, "s8");
    def_float_pair<uint8_t>(m, "u8");
    def_float_pair<int16_t>(m, "s16");
    def_requantize<uint8_t, int8_t>(m, "quantize_u8_s8");
    def_requantize<int8_t, uint8_t>(m, "quantize_s8_u8");
    def_requantize<uint8_t, uint8_t>(m, "quantize_u8_u8");
    def_requantize<int16_t, int8_t>(m, "quantize_s16_s8");
    def_requantize<int8_t, int16_t>(m, "quantize_s8_s16");
    def_requantize<int16_t, int16_t>(m, "quantize_s16_s16");
    def_requantize<int16_t, int32_t>(m, "quantize_s16_s32");  // SVDF models' int32 outputs
}

}  // namespace es_sim
