/*
 * Reference sub-byte fully connected layer: the int8 arithmetic of
 * es_fully_connected_s8, with both output stages, on operands packed 4 or 2
 * bits a value (es_packing; 8 means plain int8).
 */
#include "es_nn.h"
#include "es_nn_lowbit_support.h"

es_status es_fully_connected_s4(const es_context *ctx, const es_fc_params *params,
                                const es_fc_quant_params *quant, const es_packing *packing,
                                const es_fc_dims *dims, const int8_t *input, const uint8_t *filter,
                                const int32_t *bias, int8_t *output)
{
    const uint8_t *in_bytes = (const uint8_t *)input;
    uint8_t *out_bytes = (uint8_t *)output;
    int32_t oc, k;
    (void)ctx;
    if (!es_fc_args_are_valid(params, dims, input, filter, output) || quant == NULL ||
        packing == NULL) {
        return ES_ERR_ARG;
    }
    if (!es_fc_quant_is_valid(quant, dims->output_depth) ||
        !es_activation_is_valid(params->activation) ||
        !es_packing_is_valid(packing, params->activation)) {
        return ES_ERR_RANGE;
    }

    for (oc = 0; oc < dims->output_depth; ++oc) {
        const int32_t row = oc * dims->accum_depth;
        int32_t acc = 0;
        for (k = 0; k < dims->accum_depth; ++k) {
            const int32_t x = es_packed_get(in_bytes, k, packing->input_bits);
            const int32_t w = es_packed_get(filter, row + k, packing->filter_bits);
            acc += (w + params->filter_offset) * (x + params->input_offset);
        }
        es_packed_set(out_bytes, oc, packing->output_bits,
                      es_fc_output_s8(acc, bias, quant, oc, params));
    }
    return ES_OK;
}
