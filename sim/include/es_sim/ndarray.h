// NumPy arrays as kernel arguments: dtype-exact, C-contiguous, batch on axis 0.
//
// The array types below do not force-cast: passing int64 where int8 is
// expected raises a TypeError instead of silently wrapping values.
#pragma once
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>  // std::optional, std::array and std::vector arguments

#include <cstdint>
#include <string>
#include <vector>

namespace es_sim {

namespace py = pybind11;

template <typename T>
using Array = py::array_t<T, py::array::c_style>;
using ArrayI8 = Array<int8_t>;
using ArrayI32 = Array<int32_t>;
using ArrayF32 = Array<float>;
using ArrayF64 = Array<double>;

inline void require_rank(const py::array& a, py::ssize_t rank, const char* what) {
    if (a.ndim() != rank) {
        throw py::value_error(std::string(what) + " must have " + std::to_string(rank) +
                              " dimensions, got " + std::to_string(a.ndim()));
    }
}

inline void require_size(const py::array& a, py::ssize_t size, const char* what) {
    if (a.size() != size) {
        throw py::value_error(std::string(what) + " must have " + std::to_string(size) +
                              " elements, got " + std::to_string(a.size()));
    }
}

inline std::vector<py::ssize_t> shape_of(const py::array& a) {
    return std::vector<py::ssize_t>(a.shape(), a.shape() + a.ndim());
}

// Per-output-channel requantization: real multiplier of channel c is
// multiplier[c] * 2^(shift[c] - 31); a single entry applies to every channel.
struct ChannelRequant {
    const int32_t* multiplier;
    const int32_t* shift;
    bool per_channel;

    ChannelRequant(const ArrayI32& mult, const ArrayI32& shift_, py::ssize_t channels)
        : multiplier(mult.data()), shift(shift_.data()), per_channel(mult.size() != 1) {
        if (mult.size() != shift_.size()) {
            throw py::value_error("multiplier and shift differ in length");
        }
        if (per_channel && mult.size() != channels) {
            throw py::value_error("per-channel multipliers do not match the output channels");
        }
        for (py::ssize_t i = 0; i < shift_.size(); ++i) {
            if (shift[i] > 31 || shift[i] < -31) {
                throw py::value_error("requantization shift outside [-31, 31]");
            }
        }
    }
    int32_t mult_of(py::ssize_t c) const { return multiplier[per_channel ? c : 0]; }
    int shift_of(py::ssize_t c) const { return shift[per_channel ? c : 0]; }
};

// The output stage every int8 kernel ends with: add the output zero point,
// clamp to the fused-activation range, store as int8.
inline int8_t clamp_to_s8(int32_t value, int32_t act_min, int32_t act_max) {
    value = value < act_min ? act_min : value;
    value = value > act_max ? act_max : value;
    return static_cast<int8_t>(value);
}

// Input offsets are minus an int8 zero point; (x + offset) must fit int16.
inline void check_input_offset(int32_t input_offset) {
    if (input_offset < -255 || input_offset > 255) {
        throw py::value_error("input offset outside [-255, 255] (minus an int8 zero point)");
    }
}

inline void check_activation_range(int32_t act_min, int32_t act_max) {
    if (act_min > act_max || act_min < -128 || act_max > 127) {
        throw py::value_error("activation range must satisfy -128 <= min <= max <= 127");
    }
}

}  // namespace es_sim
