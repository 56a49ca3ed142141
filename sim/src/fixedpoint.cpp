// Bindings of the scalar requantization primitives, vectorised over arrays.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include "es_sim/bindings.h"
#include "es_sim/requant.h"

namespace py = pybind11;

namespace es_sim {

namespace {
using I32Array = py::array_t<int32_t, py::array::c_style | py::array::forcecast>;

I32Array apply_multiplier(const I32Array& x, int32_t mult, int shift) {
    if (shift > 31 || shift < -31) {
        throw py::value_error("shift must lie in [-31, 31]");
    }
    I32Array out(x.request().shape);
    const int32_t* src = x.data();
    int32_t* dst = out.mutable_data();
    for (py::ssize_t i = 0; i < x.size(); ++i) {
        dst[i] = multiply_by_quantized_multiplier(src[i], mult, shift);
    }
    return out;
}
}  // namespace

void register_fixedpoint(py::module_& m) {
    m.def("multiply_by_quantized_multiplier", &apply_multiplier, py::arg("x"), py::arg("mult"),
          py::arg("shift"),
          "x * mult * 2^(shift-31) with TFLite's two roundings, elementwise on int32.");
    m.def("sat_rounding_doubling_high_mul", &sat_rounding_doubling_high_mul);
    m.def("rounding_divide_by_pot", &rounding_divide_by_pot);
}

}  // namespace es_sim
