/*
 * Reference fixed-point RELU, RELU6 and RELU_N1_TO_1, and casts between
 * fixed-point types (QUANTIZE fixed -> fixed: the clamp is then empty).
 *
 * x is aligned to the accumulator's binary point, clamped to the activation's
 * bounds and cast once. Element k reads only input element k: may run in place.
 */
#include "es_nn.h"
#include "es_nn_fx_support.h"

es_status es_relu_fx(const es_relu_fx_params *params, int32_t size, const int32_t *input,
                     int32_t *output)
{
    return es_fx_recast_each(params, size, input, output, 0);
}
