// Registration functions, one per area of the simulator.
#pragma once
#include <pybind11/pybind11.h>

namespace es_sim {
void register_fixedpoint(pybind11::module_& m);
}  // namespace es_sim
