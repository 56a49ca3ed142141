/*
 * Reference fixed-point LEAKY_RELU: PRELU with one alpha (es_fx_prelu_one), whose
 * raw value and binary point the generator takes from the float32 attribute
 * exactly. Element k reads only input element k: may run in place.
 */
#include "es_nn.h"
#include "es_nn_fx_support.h"

es_status es_leaky_relu_fx(const es_leaky_relu_fx_params *params, int32_t size,
                           const int32_t *input, int32_t *output)
{
    int32_t i;
    if (!es_elementwise_args_are_valid(params, size, input, output)) {
        return ES_ERR_ARG;
    }
    if (!es_fx_prelu_is_valid(params->positive_shift, params->product_shift, &params->output)) {
        return ES_ERR_RANGE;
    }
    for (i = 0; i < size; ++i) {
        output[i] = es_fx_prelu_one(input[i], params->alpha, params->positive_shift,
                                    params->product_shift, &params->output);
    }
    return ES_OK;
}
