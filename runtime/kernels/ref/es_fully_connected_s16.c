/*
 * Reference 16x8 dense layer (TFLite Micro's int16 FULLY_CONNECTED): int16 input with zero
 * point 0, int8 weights, int64 bias, a 64-bit accumulator requantized per output channel
 * with TFLite's 64-bit rounding, clamped to the int16 bounds of the fused activation.
 */
#include "es_nn.h"
#include "es_nn_support.h"

es_status es_fully_connected_s16(const es_quant16_params *quant, const es_fc_dims *dims,
                                 const int16_t *input, const int8_t *filter,
                                 const int64_t *bias, int16_t *output)
{
    int32_t o, k;
    if (quant == NULL || dims == NULL || input == NULL || filter == NULL || output == NULL) {
        return ES_ERR_ARG;
    }
    if (dims->accum_depth < 1 || dims->output_depth < 1) {
        return ES_ERR_SHAPE;
    }
    if (!es_quant16_is_valid(quant, dims->output_depth)) {
        return ES_ERR_RANGE;
    }
    for (o = 0; o < dims->output_depth; ++o) {
        const int8_t *row = filter + o * dims->accum_depth;
        int64_t acc = 0;
        for (k = 0; k < dims->accum_depth; ++k) {
            acc += (int64_t)((int32_t)row[k] + quant->weights_offset) * input[k];
        }
        output[o] = es_quant16_output(quant, acc, bias, o);
    }
    return ES_OK;
}
