// Data movement on int8 batches: constant padding and concatenation.
//
// Neither rescales: int8 PAD fills with the output zero point and int8
// CONCATENATION requires every input to share the output format.
#include <cstring>
#include <vector>

#include "es_sim/bindings.h"
#include "es_sim/ndarray.h"

namespace es_sim {

namespace {

// Copy `x` into a larger array filled with `value`, offset by `before` along each axis.
ArrayI8 pad_s8(const ArrayI8& x, const std::vector<py::ssize_t>& before,
               const std::vector<py::ssize_t>& after, int8_t value) {
    const py::ssize_t rank = x.ndim();
    if (static_cast<py::ssize_t>(before.size()) != rank ||
        static_cast<py::ssize_t>(after.size()) != rank) {
        throw py::value_error("pad needs one (before, after) pair per axis");
    }
    std::vector<py::ssize_t> in_shape = shape_of(x), out_shape(rank);
    for (py::ssize_t d = 0; d < rank; ++d) {
        if (before[d] < 0 || after[d] < 0) throw py::value_error("negative padding");
        out_shape[d] = in_shape[d] + before[d] + after[d];
    }
    ArrayI8 out(out_shape);
    int8_t* dst = out.mutable_data();
    std::memset(dst, static_cast<unsigned char>(value), static_cast<size_t>(out.size()));
    if (x.size() == 0) return out;
    if (rank == 0) {
        dst[0] = x.data()[0];
        return out;
    }
    // Row-major strides of the output, then one contiguous run per input row.
    std::vector<py::ssize_t> stride(rank, 1);
    for (py::ssize_t d = rank - 2; d >= 0; --d) stride[d] = stride[d + 1] * out_shape[d + 1];
    const py::ssize_t row = in_shape[rank - 1];
    const int8_t* src = x.data();
    std::vector<py::ssize_t> index(rank, 0);  // position of the current input row
    for (py::ssize_t start = 0; start < x.size(); start += row) {
        py::ssize_t offset = before[rank - 1];
        for (py::ssize_t d = 0; d < rank - 1; ++d) offset += (index[d] + before[d]) * stride[d];
        std::memcpy(dst + offset, src + start, static_cast<size_t>(row));
        for (py::ssize_t d = rank - 2; d >= 0; --d) {
            if (++index[d] < in_shape[d]) break;
            index[d] = 0;
        }
    }
    return out;
}

ArrayI8 concat_s8(const std::vector<ArrayI8>& parts, int axis) {
    if (parts.empty()) throw py::value_error("concat needs at least one input");
    const py::ssize_t rank = parts[0].ndim();
    if (axis < 0) axis += static_cast<int>(rank);
    if (axis < 0 || axis >= rank) throw py::value_error("concat axis out of range");
    std::vector<py::ssize_t> out_shape = shape_of(parts[0]);
    out_shape[axis] = 0;
    for (const ArrayI8& p : parts) {
        if (p.ndim() != rank) throw py::value_error("concat inputs differ in rank");
        for (py::ssize_t d = 0; d < rank; ++d) {
            if (d != axis && p.shape(d) != out_shape[d]) {
                throw py::value_error("concat inputs differ outside the axis");
            }
        }
        out_shape[axis] += p.shape(axis);
    }
    py::ssize_t outer = 1, inner = 1;
    for (py::ssize_t d = 0; d < axis; ++d) outer *= out_shape[d];
    for (py::ssize_t d = axis + 1; d < rank; ++d) inner *= out_shape[d];
    ArrayI8 out(out_shape);
    int8_t* dst = out.mutable_data();
    for (py::ssize_t o = 0; o < outer; ++o) {
        for (const ArrayI8& p : parts) {
            const py::ssize_t run = p.shape(axis) * inner;
            std::memcpy(dst, p.data() + o * run, static_cast<size_t>(run));
            dst += run;
        }
    }
    return out;
}

}  // namespace

void register_layout(py::module_& m) {
    m.def("pad_s8", &pad_s8, py::arg("x"), py::arg("before"), py::arg("after"), py::arg("value"),
          "Constant padding of an int8 array (value is the output zero point).");
    m.def("concat_s8", &concat_s8, py::arg("parts"), py::arg("axis"),
          "Concatenate int8 arrays that share one format along an axis.");
}

}  // namespace es_sim
