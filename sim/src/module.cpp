// edgesmith._sim: the bit-accurate golden simulator.
// One PYBIND11_MODULE; each area registers its functions from its own file.
#include <pybind11/pybind11.h>

#include "es_sim/bindings.h"

PYBIND11_MODULE(_sim, m) {
    m.doc() = "edgesmith golden simulator: integer kernels, bit-exact by construction";
    es_sim::register_fixedpoint(m);
    es_sim::register_conv(m);
    es_sim::register_fully_connected(m);
    es_sim::register_pooling(m);
    es_sim::register_elementwise(m);
    es_sim::register_activations(m);
    es_sim::register_reduce(m);
    es_sim::register_layout(m);
    es_sim::register_fixed(m);
    es_sim::register_fixed_layers(m);
    es_sim::register_pow2(m);
    es_sim::register_subbyte(m);
    es_sim::register_convert(m);
    es_sim::register_lstm(m);
    es_sim::register_activations16(m);
    es_sim::register_log_softmax(m);
    es_sim::register_fixed_elementwise(m);
}
