/*
 * Reference fixed-point tanh by table (sdk/edgesmith/sim/fixed_tables.py
 * builds it): output = table[clamp((input >> shift) + offset, 0, size - 1)]
 * (es_fx_lookup). Element k reads only input element k: may run in place.
 */
#include "es_nn.h"
#include "es_nn_fx_support.h"

es_status es_tanh_fx(const es_table_fx_params *params, int32_t size, const int32_t *input,
                     int32_t *output)
{
    return es_fx_lookup(params, size, input, output);
}
