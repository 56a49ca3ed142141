/*
 * Reference int8 -> int8 requantization (QUANTIZE with an int8 input).
 *
 * (x + input_offset) * M + output_offset, clamped. The same arithmetic with
 * an activation's clamp bounds is RELU, RELU6 and RELU_N1_TO_1 (es_relu_s8).
 */
#include "es_nn.h"
#include "es_nn_support.h"

es_status es_requantize_s8(const es_requantize_params *params, int32_t size, const int8_t *input,
                           int8_t *output)
{
    int32_t i;
    if (!es_elementwise_args_are_valid(params, size, input, output)) {
        return ES_ERR_ARG;
    }
    if (!es_shift_is_valid(params->quant.shift) || !es_activation_is_valid(params->activation)) {
        return ES_ERR_RANGE;
    }
    for (i = 0; i < size; ++i) {
        const int32_t scaled =
            es_multiply_by_quantized_multiplier((int32_t)input[i] + params->input_offset,
                                                params->quant.multiplier, params->quant.shift);
        output[i] = es_clamp_to_s8(scaled + params->output_offset, params->activation);
    }
    return ES_OK;
}
