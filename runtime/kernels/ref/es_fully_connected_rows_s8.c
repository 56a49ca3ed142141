/*
 * FULLY_CONNECTED with keep_num_dims: TFLite maps the last axis only, every other axis being
 * rows of one batch, so each row is one call of the dense kernel of the set in use.
 */
#include "es_nn.h"

es_status es_fully_connected_rows_s8(const es_context *ctx, const es_fc_params *params,
                                     const es_fc_quant_params *quant, const es_fc_dims *dims,
                                     int32_t rows, const int8_t *input, const int8_t *filter,
                                     const int32_t *bias, int8_t *output)
{
    int32_t r;
    if (dims == NULL || input == NULL || output == NULL || rows < 1) {
        return ES_ERR_ARG;
    }
    for (r = 0; r < rows; ++r) {
        const es_status status = es_fully_connected_s8(
            ctx, params, quant, dims, input + r * dims->accum_depth, filter, bias,
            output + r * dims->output_depth);
        if (status != ES_OK) {
            return status;
        }
    }
    return ES_OK;
}
