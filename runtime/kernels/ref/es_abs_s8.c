/*
 * Reference int8 ABS: the distance of each value from the input zero point, requantized to
 * the output scale (TFLite rescales whenever the two scales differ; equal scales give the
 * multiplier 2^30 with shift 1, which is exact, so one path serves both).
 */
#include "es_nn.h"
#include "es_nn_support.h"

es_status es_abs_s8(const es_requantize_params *params, int32_t size, const int8_t *input,
                    int8_t *output)
{
    int32_t i;
    if (params == NULL || input == NULL || output == NULL || size < 1) {
        return ES_ERR_ARG;
    }
    if (!es_shift_is_valid(params->quant.shift) || !es_activation_is_valid(params->activation)) {
        return ES_ERR_RANGE;
    }
    for (i = 0; i < size; ++i) {
        const int32_t centered = input[i] + params->input_offset;
        const int32_t magnitude = centered < 0 ? -centered : centered;
        const int32_t scaled = es_multiply_by_quantized_multiplier(
            magnitude, params->quant.multiplier, params->quant.shift);
        output[i] = es_clamp_to_s8(scaled + params->output_offset, params->activation);
    }
    return ES_OK;
}
