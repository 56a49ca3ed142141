/*
 * Reference int16 -> int16 softmax: TFLite Micro's SoftmaxInt16. Each value's difference
 * to the row maximum, rescaled so that [-65535, 0] spans [-10, 0], is looked up in the exp
 * table (Q0.15); the sum (Q16.15) is normalised to [1, 2) and its reciprocal looked up in
 * the 1 / (1 + x) table; each exponential times the reciprocal is the output (Q0.15).
 */
#include "es_nn.h"
#include "es_nn_support.h"

static int16_t es_sat16_of(int32_t v)
{
    return (int16_t)(v > 32767 ? 32767 : (v < -32768 ? -32768 : v));
}

/* TFLite's LUTLookup: 512 intervals of 128 codes, interpolated with rounding. */
static int16_t es_lut_lookup16(int16_t value, const int16_t *lut)
{
    const int32_t index = 256 + es_asr32(value, 7);
    const int32_t offset = value & 0x7F;
    const int32_t slope = (int32_t)lut[index + 1] - lut[index];
    return (int16_t)(lut[index] + es_asr32(slope * offset + 64, 7));
}

static void es_softmax_row_s16(const es_softmax16_params *p, int32_t depth,
                               const int16_t *input, int16_t *output)
{
    int16_t max_in_row = input[0];
    int32_t sum = 0, c, headroom_plus_one, shifted, right_shift;
    int16_t reciprocal;
    int64_t round;
    for (c = 1; c < depth; ++c) {
        max_in_row = input[c] > max_in_row ? input[c] : max_in_row;
    }
    for (c = 0; c < depth; ++c) {
        const int32_t scaled = es_multiply_by_quantized_multiplier(
            (int32_t)input[c] - max_in_row, p->input_multiplier, p->input_left_shift);
        output[c] = es_lut_lookup16(es_sat16_of(scaled + 32767), p->exp_table);
        sum += output[c];
    }
    headroom_plus_one = 32 - es_bit_length64((uint32_t)sum);
    shifted = (int32_t)es_asr64(((int64_t)sum << (headroom_plus_one - 1)) + (1 << 13), 14);
    /* 1 / (1 + x) for x = shifted - 1 in [0, 1), recentred on the table's int16 range */
    reciprocal = es_lut_lookup16(es_sat16_of(shifted - ((1 << 15) + (1 << 16))),
                                 p->reciprocal_table);
    right_shift = 31 - headroom_plus_one;
    round = (int64_t)1 << (right_shift - 1);
    for (c = 0; c < depth; ++c) {
        const int64_t v = es_asr64((int64_t)output[c] * reciprocal + round, right_shift);
        output[c] = (int16_t)(v < 0 ? 0 : (v > 32767 ? 32767 : v));
    }
}

es_status es_softmax_s16(const es_softmax16_params *params, int32_t rows, int32_t depth,
                         const int16_t *input, int16_t *output)
{
    int32_t r;
    if (params == NULL || params->exp_table == NULL || params->reciprocal_table == NULL ||
        input == NULL || output == NULL || rows < 1 || depth < 1) {
        return ES_ERR_ARG;
    }
    if (params->input_multiplier < 0 || params->input_left_shift < -31 ||
        params->input_left_shift > 15 || depth > 65536) {
        return ES_ERR_RANGE;  /* depth: the Q16.15 sum of exponentials stays in int32 */
    }
    for (r = 0; r < rows; ++r) {
        es_softmax_row_s16(params, depth, input + (int64_t)r * depth,
                           output + (int64_t)r * depth);
    }
    return ES_OK;
}
