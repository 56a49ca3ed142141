/*
 * Reference fixed-point fully connected (dense) layer.
 *
 * Products of raw values are exact in int64 (W_x + W_w <= 62 bits) and so is
 * their sum: the code generator sizes every layer by interval analysis
 * (sum of |w| * max|x|) so that no accumulator can overflow. The sum is
 * aligned with the bias, clamped by the fused activation and cast once.
 */
#include "es_nn.h"
#include "es_nn_fx_support.h"

/* The filter holds `bytes`-byte raw weights (es_fx_weight); one body for every width. */
static es_status fully_connected(const es_fx_mac_params *params, const es_fc_dims *dims,
                                 const int32_t *input, const void *filter, int32_t bytes,
                                 const int32_t *bias, int32_t *output)
{
    int32_t oc, k;
    if (!es_fc_args_are_valid(params, dims, input, filter, output)) {
        return ES_ERR_ARG;
    }
    if (!es_fx_mac_is_valid(params)) {
        return ES_ERR_RANGE;
    }

    for (oc = 0; oc < dims->output_depth; ++oc) {
        const int32_t row = oc * dims->accum_depth;
        int64_t sum = 0;
        for (k = 0; k < dims->accum_depth; ++k) {
            sum += (int64_t)input[k] * es_fx_weight(filter, bytes, row + k);
        }
        output[oc] = es_fx_mac_output(sum, bias, oc, params);
    }
    return ES_OK;
}

es_status es_fully_connected_fx(const es_context *ctx, const es_fx_mac_params *params,
                                const es_fc_dims *dims, const int32_t *input, const int32_t *filter,
                                const int32_t *bias, int32_t *output)
{
    (void)ctx;
    return fully_connected(params, dims, input, filter, 4, bias, output);
}

es_status es_fully_connected_w16_fx(const es_context *ctx, const es_fx_mac_params *params,
                                    const es_fc_dims *dims, const int32_t *input,
                                    const int16_t *filter, const int32_t *bias, int32_t *output)
{
    (void)ctx;
    return fully_connected(params, dims, input, filter, 2, bias, output);
}

es_status es_fully_connected_w8_fx(const es_context *ctx, const es_fx_mac_params *params,
                                   const es_fc_dims *dims, const int32_t *input,
                                   const int8_t *filter, const int32_t *bias, int32_t *output)
{
    (void)ctx;
    return fully_connected(params, dims, input, filter, 1, bias, output);
}
