/*
 * Reference fixed-point PRELU with broadcasting of size-1 dimensions: x where
 * x >= 0, else the exact product x * alpha, both at one binary point, cast once
 * (es_fx_prelu_one). Output element k reads only input element k (when nothing
 * broadcasts), so it may run in place.
 */
#include "es_nn.h"
#include "es_nn_fx_support.h"

es_status es_prelu_fx(const es_prelu_fx_params *params, const es_dims *input1_dims,
                      const int32_t *input1, const es_dims *input2_dims, const int32_t *input2,
                      const es_dims *output_dims, int32_t *output)
{
    es_broadcast at;
    int32_t c;
    const es_status status = es_fx_binary_begin(&at, params, input1_dims, input1, input2_dims,
                                                input2, output_dims, output);
    if (status != ES_OK) {
        return status;
    }
    if (!es_fx_prelu_is_valid(params->positive_shift, params->product_shift, &params->output)) {
        return ES_ERR_RANGE;
    }
    while (es_broadcast_next_row(&at)) {
        for (c = 0; c < at.size.c; ++c) {
            *output++ = es_fx_prelu_one(input1[at.row1 + c * at.strides1[3]],
                                        input2[at.row2 + c * at.strides2[3]],
                                        params->positive_shift, params->product_shift,
                                        &params->output);
        }
    }
    return ES_OK;
}
