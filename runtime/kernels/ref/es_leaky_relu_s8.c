/*
 * Reference int8 LEAKY_RELU: values at or above the input zero point are rescaled by the
 * identity multiplier, those below by the alpha multiplier (alpha folded in offline).
 */
#include "es_nn.h"
#include "es_nn_support.h"

es_status es_leaky_relu_s8(const es_leaky_relu_params *params, int32_t size, const int8_t *input,
                           int8_t *output)
{
    int32_t i;
    if (params == NULL || input == NULL || output == NULL || size < 1) {
        return ES_ERR_ARG;
    }
    if (!es_shift_is_valid(params->identity.shift) || !es_shift_is_valid(params->alpha.shift)) {
        return ES_ERR_RANGE;
    }
    for (i = 0; i < size; ++i) {
        const int32_t centered = input[i] + params->input_offset;
        const es_quant_params *q = centered >= 0 ? &params->identity : &params->alpha;
        const int32_t scaled = es_multiply_by_quantized_multiplier(centered, q->multiplier,
                                                                   q->shift);
        output[i] = es_clamp_to_s8(scaled + params->output_offset, es_full_range_s8());
    }
    return ES_OK;
}
