/*
 * Reference int8 L2_NORMALIZATION over the last axis, as TFLite's reference integer kernel:
 * the row's sum of squared offsets, its inverse square root by five Newton-Raphson steps in
 * Q3.28 (GetInvSqrtQuantizedMultiplierExp), then one requantization per value onto the
 * output scale 1/128.
 */
#include "es_nn.h"
#include "es_nn_support.h"

/* x * 2^exponent, saturating at the int32 bounds; exponent in [1, 30]. */
static int32_t saturating_left_shift(int32_t x, int32_t exponent)
{
    const int32_t threshold = (int32_t)(((int64_t)1 << (31 - exponent)) - 1);
    if (x > threshold) {
        return INT32_MAX;
    }
    if (x < -threshold) {
        return INT32_MIN;
    }
    return x * ((int32_t)1 << exponent);
}

/* 1 / sqrt(value) as multiplier * 2^(shift - 31); 0 and 1 give (INT32_MAX, 0). */
static void inv_sqrt(int32_t value, int32_t *multiplier, int32_t *shift)
{
    const int32_t half_three = ((int32_t)1 << 28) + ((int32_t)1 << 27); /* 1.5 in Q3.28 */
    int32_t right_shift = 11;
    int32_t pairs, half_input, x, i;
    if (value <= 1) {
        *multiplier = INT32_MAX;
        *shift = 0;
        return;
    }
    while (value >= ((int32_t)1 << 29)) {
        value /= 4;
        ++right_shift;
    }
    /* shift left by whole bit pairs until value lies in [2^27, 2^29) */
    for (pairs = 0; value < ((int32_t)1 << 27); ++pairs) {
        value *= 4;
    }
    right_shift -= pairs;
    half_input = es_rounding_divide_by_pot(value >> 1, 1);
    x = (int32_t)1 << 28; /* 1.0 in Q3.28 */
    for (i = 0; i < 5; ++i) {
        const int32_t x2 = es_sat_rounding_doubling_high_mul(x, x);
        const int32_t x3 = saturating_left_shift(es_sat_rounding_doubling_high_mul(x2, x), 6);
        const int32_t next = es_add_wrap32(es_sat_rounding_doubling_high_mul(half_three, x),
                                           -es_sat_rounding_doubling_high_mul(half_input, x3));
        x = saturating_left_shift(next, 3);
    }
    x = es_sat_rounding_doubling_high_mul(x, 1518500250); /* sqrt(2) / 2 in Q0.31 */
    if (right_shift < 0) {
        x = es_wrap32((uint32_t)x << -right_shift);
        right_shift = 0;
    }
    *multiplier = x;
    *shift = -right_shift;
}

es_status es_l2_normalization_s8(const es_l2_norm_params *params, int32_t rows, int32_t depth,
                                 const int8_t *input, int8_t *output)
{
    int32_t r, c;
    if (params == NULL || input == NULL || output == NULL || rows < 1 || depth < 1) {
        return ES_ERR_ARG;
    }
    if (depth > 33025 || params->input_offset < -127 || params->input_offset > 128) {
        return ES_ERR_RANGE;
    }
    for (r = 0; r < rows; ++r, input += depth, output += depth) {
        int32_t sum = 0, multiplier, shift;
        for (c = 0; c < depth; ++c) {
            const int32_t v = input[c] + params->input_offset;
            sum += v * v;
        }
        inv_sqrt(sum, &multiplier, &shift);
        for (c = 0; c < depth; ++c) {
            const int32_t scaled = es_multiply_by_quantized_multiplier(
                input[c] + params->input_offset, multiplier, shift + 7);
            output[c] = (int8_t)(scaled < -128 ? -128 : (scaled > 127 ? 127 : scaled));
        }
    }
    return ES_OK;
}
