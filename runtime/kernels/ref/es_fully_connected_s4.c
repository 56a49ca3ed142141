/*
 * Reference sub-byte fully connected layer: the int8 arithmetic of
 * es_fully_connected_s8, with both output stages, on operands packed 4 or 2
 * bits a value (es_packing; 8 means plain int8).
 */
#include "es_nn.h"
#include "es_nn_fx_support.h"

static int quant_is_valid(const es_fc_quant_params *q, int32_t channels)
{
    int32_t c;
    if (q->stage == ES_OUTPUT_STAGE_Q31) {
        if (q->multiplier == NULL || q->shift == NULL) {
            return 0;
        }
        for (c = 0; c < channels; ++c) {
            if (!es_shift_is_valid(q->shift[c])) {
                return 0;
            }
        }
        return 1;
    }
    if (q->stage != ES_OUTPUT_STAGE_EXACT_SCALE || q->scale == NULL) {
        return 0;
    }
    for (c = 0; c < channels; ++c) {
        if (q->scale[c].mantissa < 0 || q->scale[c].mantissa >= ((int64_t)1 << 53)) {
            return 0;
        }
    }
    return 1;
}

static int packing_is_valid(const es_packing *bits, es_activation act)
{
    return es_packed_bits_are_valid(bits->input_bits) &&
           es_packed_bits_are_valid(bits->filter_bits) &&
           es_packed_bits_are_valid(bits->output_bits) &&
           es_activation_fits_bits(act, bits->output_bits);
}

es_status es_fully_connected_s4(const es_context *ctx, const es_fc_params *params,
                                const es_fc_quant_params *quant, const es_packing *packing,
                                const es_fc_dims *dims, const int8_t *input, const uint8_t *filter,
                                const int32_t *bias, int8_t *output)
{
    const uint8_t *in_bytes = (const uint8_t *)input;
    uint8_t *out_bytes = (uint8_t *)output;
    int32_t oc, k;
    (void)ctx;
    if (params == NULL || quant == NULL || packing == NULL || dims == NULL || input == NULL ||
        filter == NULL || output == NULL || dims->accum_depth < 1 || dims->output_depth < 1) {
        return ES_ERR_ARG;
    }
    if ((quant->per_channel != 0 && quant->per_channel != 1) ||
        !quant_is_valid(quant, quant->per_channel ? dims->output_depth : 1) ||
        !es_activation_is_valid(params->activation) ||
        !packing_is_valid(packing, params->activation)) {
        return ES_ERR_RANGE;
    }

    for (oc = 0; oc < dims->output_depth; ++oc) {
        const int32_t row = oc * dims->accum_depth;
        const int32_t channel = quant->per_channel ? oc : 0;
        int32_t acc = 0;
        for (k = 0; k < dims->accum_depth; ++k) {
            const int32_t x = es_packed_get(in_bytes, k, packing->input_bits);
            const int32_t w = es_packed_get(filter, row + k, packing->filter_bits);
            acc += (w + params->filter_offset) * (x + params->input_offset);
        }
        if (bias != NULL) {
            acc += bias[oc];
        }
        acc = quant->stage == ES_OUTPUT_STAGE_EXACT_SCALE
                  ? es_round_exact_scale(acc, quant->scale[channel])
                  : es_multiply_by_quantized_multiplier(acc, quant->multiplier[channel],
                                                        quant->shift[channel]);
        /* wraps like the reference when an out-of-range product became INT32_MIN */
        es_packed_set(
            out_bytes, oc, packing->output_bits,
            es_clamp_to_s8(es_add_wrap32(acc, params->output_offset), params->activation));
    }
    return ES_OK;
}
