/*
 * Reference int16 LOGISTIC and TANH: TFLite Micro's int16 kernels. The input is rescaled
 * to 1 / (3 * 4096) per unit (the factor 3 widens the table's [-8, 8) to about
 * [-10.7, 10.7)), then the 256-entry sigmoid table is interpolated (es_nn_support.h).
 */
#include "es_nn.h"
#include "es_nn_support.h"

typedef int16_t (*es_q15_function)(const uint16_t *table, int32_t x);

static es_status es_sigmoid_like_s16(const es_sigmoid16_params *params, int32_t size,
                                     const int16_t *input, int16_t *output,
                                     es_q15_function function)
{
    int32_t multiplier, shift, round, i;
    if (params == NULL || params->sigmoid_table == NULL || input == NULL || output == NULL ||
        size < 1) {
        return ES_ERR_ARG;
    }
    if (params->input_multiplier < 0 || params->input_multiplier > 65535 ||
        params->input_left_shift < 0 || params->input_left_shift > 31) {
        return ES_ERR_RANGE;
    }
    /* multiplier 0: the power-of-two scale, a bare factor 3 << shift */
    multiplier = params->input_multiplier ? params->input_multiplier
                                          : 3 << params->input_left_shift;
    shift = params->input_multiplier ? params->input_left_shift : 0;
    round = shift > 0 ? (int32_t)1 << (shift - 1) : 0;
    for (i = 0; i < size; ++i) {
        const int32_t v = es_asr32((int32_t)input[i] * multiplier + round, shift);
        output[i] = function(params->sigmoid_table, v);
    }
    return ES_OK;
}

es_status es_logistic_s16(const es_sigmoid16_params *params, int32_t size,
                          const int16_t *input, int16_t *output)
{
    return es_sigmoid_like_s16(params, size, input, output, es_sigmoid_q15);
}

es_status es_tanh_s16(const es_sigmoid16_params *params, int32_t size, const int16_t *input,
                      int16_t *output)
{
    return es_sigmoid_like_s16(params, size, input, output, es_tanh_q15);
}
