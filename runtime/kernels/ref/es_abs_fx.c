/*
 * Reference fixed-point ABS: the exact |x| (an int64, so |INT32_MIN| too), aligned,
 * and cast once as es_relu_fx casts. Element k reads only input element k: may run
 * in place.
 */
#include "es_nn.h"
#include "es_nn_fx_support.h"

es_status es_abs_fx(const es_relu_fx_params *params, int32_t size, const int32_t *input,
                    int32_t *output)
{
    return es_fx_recast_each(params, size, input, output, 1);
}
