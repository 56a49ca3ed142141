// mean on int8 batches, with the input already arranged as [rows, count]
// (the reduced axes moved last and flattened by the caller).
//
// TFLite's reference quantized mean sums in int32, removes count * zero_point,
// and folds the division by count into the requantization multiplier; the
// caller passes that folded (multiplier, shift).
#include "es_sim/bindings.h"
#include "es_sim/ndarray.h"
#include "es_sim/requant.h"

namespace es_sim {

namespace {

ArrayI8 mean_s8(const ArrayI8& x, int32_t input_zero_point, int32_t output_zero_point,
                int32_t multiplier, int shift) {
    require_rank(x, 2, "mean input [rows, count]");
    if (shift < -31 || shift > 31) throw py::value_error("mean shift outside [-31, 31]");
    const py::ssize_t rows = x.shape(0), count = x.shape(1);
    if (count < 1) throw py::value_error("mean over zero elements");
    ArrayI8 out(py::ssize_t{rows});
    const int8_t* src = x.data();
    int8_t* dst = out.mutable_data();
    py::gil_scoped_release release;
    for (py::ssize_t r = 0; r < rows; ++r) {
        int32_t sum = 0;
        for (py::ssize_t i = 0; i < count; ++i) sum += src[r * count + i];
        const int32_t centered =
            static_cast<int32_t>(sum - static_cast<int64_t>(input_zero_point) * count);
        const int32_t scaled = multiply_by_quantized_multiplier(centered, multiplier, shift);
        dst[r] = clamp_to_s8(scaled + output_zero_point, -128, 127);
    }
    return out;
}

}  // namespace

void register_reduce(py::module_& m) {
    m.def("mean_s8", &mean_s8, py::arg("x"), py::arg("input_zero_point"),
          py::arg("output_zero_point"), py::arg("multiplier"), py::arg("shift"),
          "int8 mean of each row of [rows, count]; multiplier and shift include 1/count.");
}

}  // namespace es_sim
