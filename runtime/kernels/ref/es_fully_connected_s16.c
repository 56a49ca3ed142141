/*
 * Reference 16x8 dense layer (TFLite Micro's int16 FULLY_CONNECTED): int16 input with zero
 * point 0, int8 weights, int64 bias, a 64-bit accumulator requantized per output channel
 * with TFLite's 64-bit rounding, clamped to the int16 bounds of the fused activation.
 */
#include "es_nn.h"
#include "es_nn_support.h"

/* The 64-bit output stage shared by the 16x8 MAC kernels: bias, requantization, clamp. */
static int16_t quant16_output(const es_quant16_params *q, int64_t acc, const int64_t *bias,
                              int32_t channel)
{
    int32_t out;
    if (bias != NULL) {
        acc += bias[channel];
    }
    out = es_multiply_by_quantized_multiplier_64(acc, q->multiplier[channel], q->shift[channel]);
    out = out < q->min ? q->min : (out > q->max ? q->max : out);
    return (int16_t)out;
}

static int quant16_is_valid(const es_quant16_params *q, int32_t channels)
{
    int32_t c;
    if (q->multiplier == NULL || q->shift == NULL || q->min < INT16_MIN || q->max > INT16_MAX ||
        q->min > q->max) {
        return 0;
    }
    for (c = 0; c < channels; ++c) {
        if (q->multiplier[c] < 0 || q->shift[c] < -31 || q->shift[c] > 7) {
            return 0;
        }
    }
    return 1;
}

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
    if (!quant16_is_valid(quant, dims->output_depth)) {
        return ES_ERR_RANGE;
    }
    for (o = 0; o < dims->output_depth; ++o) {
        const int8_t *row = filter + o * dims->accum_depth;
        int64_t acc = 0;
        for (k = 0; k < dims->accum_depth; ++k) {
            acc += (int64_t)((int32_t)row[k] + quant->weights_offset) * input[k];
        }
        output[o] = quant16_output(quant, acc, bias, o);
    }
    return ES_OK;
}
