/*
 * Reference fixed-point elementwise minimum (the smaller value) with broadcasting of size-1
 * dimensions: es_add_fx's alignment, then one cast (es_fx_aligned_binary).
 * Output element k reads only input element k (when nothing broadcasts), so it
 * may run in place.
 */
#include "es_nn.h"
#include "es_nn_fx_support.h"

es_status es_minimum_fx(const es_add_fx_params *params, const es_dims *input1_dims,
                        const int32_t *input1, const es_dims *input2_dims, const int32_t *input2,
                        const es_dims *output_dims, int32_t *output)
{
    return es_fx_aligned_binary(ES_FX_JOIN_MINIMUM, params, input1_dims, input1, input2_dims,
                                input2, output_dims, output);
}
