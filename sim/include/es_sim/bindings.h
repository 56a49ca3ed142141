// Registration functions, one per area of the simulator.
#pragma once
#include <pybind11/pybind11.h>

namespace es_sim {
void register_fixedpoint(pybind11::module_& m);
void register_conv(pybind11::module_& m);
void register_fully_connected(pybind11::module_& m);
void register_pooling(pybind11::module_& m);
void register_elementwise(pybind11::module_& m);
void register_activations(pybind11::module_& m);
void register_reduce(pybind11::module_& m);
void register_layout(pybind11::module_& m);
void register_fixed(pybind11::module_& m);
void register_fixed_layers(pybind11::module_& m);
void register_pow2(pybind11::module_& m);
void register_subbyte(pybind11::module_& m);
void register_convert(pybind11::module_& m);
void register_lstm(pybind11::module_& m);
void register_activations16(pybind11::module_& m);
void register_log_softmax(pybind11::module_& m);
void register_fixed_elementwise(pybind11::module_& m);
}  // namespace es_sim
