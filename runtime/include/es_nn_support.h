/*
 * edgesmith C runtime: integer requantization primitives shared by every
 * kernel, and the output stages and checks the int8 kernels share. Includes
 * the argument checks (es_nn_shapes.h) and the windows (es_nn_window.h).
 *
 * The rounding is that of the LiteRT reference kernels (BUILTIN_REF): a real
 * multiplier M = multiplier * 2^(shift - 31) is applied with a saturating
 * rounding doubling high multiply followed by a rounding right shift. Both
 * roundings are part of the contract; a single-rounding variant differs on ties.
 *
 * Everything here is plain C99 integer arithmetic with results defined by
 * the standard: right shifts of negative values and unsigned-to-signed
 * conversions, which C leaves to the implementation, are spelled out.
 */
#ifndef ES_NN_SUPPORT_H
#define ES_NN_SUPPORT_H

#include <stdint.h>

#include "es_nn_shapes.h"
#include "es_nn_types.h"
#include "es_nn_window.h"

#ifdef __cplusplus
extern "C" {
#endif

/* x >> exponent rounding toward minus infinity, for any sign of x. */
static inline int32_t es_asr32(int32_t x, int32_t exponent)
{
    return x < 0 ? ~(~x >> exponent) : x >> exponent;
}

/* The int32 whose two's-complement bit pattern is u (wraps modulo 2^32). */
static inline int32_t es_wrap32(uint32_t u)
{
    return u <= (uint32_t)INT32_MAX ? (int32_t)u : (int32_t)(u - 2147483648u) - INT32_MAX - 1;
}

/* a + b wrapping modulo 2^32, as the reference's unchecked int32 addition does on real hardware. */
static inline int32_t es_add_wrap32(int32_t a, int32_t b)
{
    return es_wrap32((uint32_t)a + (uint32_t)b);
}

/*
 * High 32 bits of 2*a*b rounded to nearest, ties toward +infinity (-1.5 -> -1,
 * 1.5 -> 2); INT32_MIN * INT32_MIN, the one overflow, saturates.
 */
static inline int32_t es_sat_rounding_doubling_high_mul(int32_t a, int32_t b)
{
    int64_t ab;
    int64_t nudge;
    if (a == INT32_MIN && b == INT32_MIN) {
        return INT32_MAX;
    }
    ab = (int64_t)a * (int64_t)b;
    nudge = ab >= 0 ? ((int64_t)1 << 30) : (1 - ((int64_t)1 << 30));
    /* C99 division truncates toward zero; the nudge 1 - 2^30 below zero makes ties go up. */
    return (int32_t)((ab + nudge) / ((int64_t)1 << 31));
}

/* x / 2^exponent rounded to nearest, ties away from zero; exponent in [0, 31]. */
static inline int32_t es_rounding_divide_by_pot(int32_t x, int32_t exponent)
{
    const int32_t mask = (int32_t)(((int64_t)1 << exponent) - 1);
    const int32_t remainder = x & mask;
    const int32_t threshold = (mask >> 1) + (x < 0 ? 1 : 0);
    return es_asr32(x, exponent) + (remainder > threshold ? 1 : 0);
}

/* x * multiplier * 2^(shift - 31), shift in [-31, 31]; a left shift wraps like the reference. */
static inline int32_t es_multiply_by_quantized_multiplier(int32_t x, int32_t multiplier,
                                                          int32_t shift)
{
    const int32_t left = shift > 0 ? shift : 0;
    const int32_t right = shift > 0 ? 0 : -shift;
    const int32_t shifted = es_wrap32((uint32_t)x << left);
    return es_rounding_divide_by_pot(es_sat_rounding_doubling_high_mul(shifted, multiplier), right);
}

/* Number of significant bits of v (0 for 0). */
static inline int32_t es_bit_length64(uint64_t v)
{
    int32_t bits = 0;
    while (v >= 256u) {
        v >>= 8;
        bits += 8;
    }
    while (v != 0u) {
        v >>= 1;
        bits += 1;
    }
    return bits;
}

/*
 * round((double)x * scale) computed in integers, bit for bit as IEEE-754
 * binary64 does it: the exact product is rounded to 53 significant bits (ties
 * to even), then to an integer (ties away from zero, like C's round()). A
 * result outside int32 becomes INT32_MIN, as converting it does on x86-64.
 */
static inline int32_t es_round_exact_scale(int32_t x, es_exact_scale scale)
{
    const uint64_t m = (uint64_t)scale.mantissa;
    const uint32_t a = x < 0 ? 0u - (uint32_t)x : (uint32_t)x;
    uint64_t low_product, middle, hi, lo, q, magnitude;
    int32_t bits, dropped, exponent;
    if (a == 0u || m == 0u) {
        return 0;
    }
    /* The exact product a * m (at most 85 bits) as hi:lo. */
    low_product = (uint64_t)a * (m & 0xFFFFFFFFu);
    middle = (uint64_t)a * (m >> 32) + (low_product >> 32);
    hi = middle >> 32;
    lo = (middle << 32) | (low_product & 0xFFFFFFFFu);
    bits = hi != 0u ? 64 + es_bit_length64(hi) : es_bit_length64(lo);
    /* Keep 53 significant bits, ties to even; at most 32 bits are dropped. */
    dropped = bits > 53 ? bits - 53 : 0;
    q = lo;
    if (dropped > 0) {
        const uint64_t rest = lo & (((uint64_t)1 << dropped) - 1u);
        const uint64_t half = (uint64_t)1 << (dropped - 1);
        q = (lo >> dropped) | (hi << (64 - dropped));
        if (rest > half || (rest == half && (q & 1u) != 0u)) {
            q += 1u;
        }
    }
    /* The double is q * 2^exponent; round it to an integer magnitude below 2^31. */
    exponent = scale.exponent + dropped;
    if (exponent >= 0) {
        if (exponent >= 31 || q > ((uint64_t)INT32_MAX >> exponent)) {
            return INT32_MIN;
        }
        magnitude = q << exponent;
    } else if (-exponent > 54) {
        magnitude = 0u; /* q <= 2^53, so the value is below one half */
    } else {
        magnitude = (q >> -exponent) + ((q >> (-exponent - 1)) & 1u);
        if (magnitude > (uint64_t)INT32_MAX) {
            return INT32_MIN;
        }
    }
    return x < 0 ? -(int32_t)magnitude : (int32_t)magnitude;
}

/* Clamp to the activation range and narrow to int8. */
static inline int8_t es_clamp_to_s8(int32_t value, es_activation act)
{
    value = value < act.min ? act.min : value;
    value = value > act.max ? act.max : value;
    return (int8_t)value;
}

/* The clamp of an unfused int8 result: the whole int8 range. */
static inline es_activation es_full_range_s8(void)
{
    es_activation act;
    act.min = INT8_MIN;
    act.max = INT8_MAX;
    return act;
}

/* -128 <= min <= max <= 127. */
static inline int es_activation_is_valid(es_activation act)
{
    return act.min >= INT8_MIN && act.min <= act.max && act.max <= INT8_MAX;
}

/* floor(x / 2^n) for any sign of x, n in [0, 63]. */
static inline int64_t es_asr64(int64_t x, int32_t n)
{
    return x < 0 ? ~(~x >> n) : x >> n;
}

/*
 * TFLite's MultiplyByQuantizedMultiplier of a 64-bit accumulator (16x8 ops): the Q31
 * multiplier rounded to 15 bits, then one rounding shift right by 15 - shift. Defined for
 * |x| < 2^47 and shift in [-31, 7], where the product fits in 62 bits.
 */
static inline int32_t es_multiply_by_quantized_multiplier_64(int64_t x, int32_t multiplier,
                                                             int32_t shift)
{
    const int64_t reduced = multiplier < 0x7FFF0000 ? ((int64_t)multiplier + (1 << 15)) >> 16
                                                    : 0x7FFF;
    const int32_t total_shift = 15 - shift;
    return (int32_t)es_asr64(x * reduced + ((int64_t)1 << (total_shift - 1)), total_shift);
}

/* The output stage of the 16x8 MAC kernels: bias, 64-bit requantization, int16 clamp. */
static inline int16_t es_quant16_output(const es_quant16_params *q, int64_t acc,
                                        const int64_t *bias, int32_t channel)
{
    int32_t out;
    if (bias != NULL) {
        acc += bias[channel];
    }
    out = es_multiply_by_quantized_multiplier_64(acc, q->multiplier[channel], q->shift[channel]);
    out = out < q->min ? q->min : (out > q->max ? q->max : out);
    return (int16_t)out;
}

/* `channels` multipliers >= 0 and shifts in [-31, 7], a clamp inside int16. */
static inline int es_quant16_is_valid(const es_quant16_params *q, int32_t channels)
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

/* A Q31 shift that es_multiply_by_quantized_multiplier accepts. */
static inline int es_shift_is_valid(int32_t shift)
{
    return shift >= -31 && shift <= 31;
}

/* Every one of `count` per-channel shifts is a valid Q31 shift. */
static inline int es_shifts_are_valid(const int8_t *shift, int32_t count)
{
    int32_t c;
    for (c = 0; c < count; ++c) {
        if (!es_shift_is_valid(shift[c])) {
            return 0;
        }
    }
    return 1;
}

/* Per-channel requantization parameters with both arrays present. */
static inline int es_per_channel_quant_is_present(const es_per_channel_quant_params *q)
{
    return q != NULL && q->multiplier != NULL && q->shift != NULL;
}

/* Output channel `channel` of an int8 convolution: bias, requantization, output offset, clamp. */
static inline int8_t es_conv_output_s8(int32_t acc, const int32_t *bias,
                                       const es_per_channel_quant_params *quant, int32_t channel,
                                       int32_t output_offset, es_activation act)
{
    if (bias != NULL) {
        acc += bias[channel];
    }
    acc =
        es_multiply_by_quantized_multiplier(acc, quant->multiplier[channel], quant->shift[channel]);
    return es_clamp_to_s8(acc + output_offset, act);
}

/*
 * The argument checks of both int8 depthwise entry points (es_depthwise_conv2d_s8 and its
 * in-place variant, reference and fast), in the order of the status codes' priority.
 */
static inline es_status es_dw_conv_check_s8(const es_dw_conv_params *params,
                                            const es_per_channel_quant_params *quant,
                                            const es_dims *input_dims, const es_dims *filter_dims,
                                            const int8_t *filter, const es_dims *output_dims)
{
    const es_dw_conv_params *p = params;
    if (params == NULL || quant == NULL || quant->multiplier == NULL || quant->shift == NULL ||
        input_dims == NULL || filter_dims == NULL || filter == NULL || output_dims == NULL ||
        !es_dims_are_valid(input_dims) || !es_dims_are_valid(filter_dims) ||
        !es_dims_are_valid(output_dims)) {
        return ES_ERR_ARG;
    }
    if (p->depth_multiplier < 1 || !es_window_steps_are_valid(p->stride, p->dilation, p->padding) ||
        !es_activation_is_valid(p->activation)) {
        return ES_ERR_RANGE;
    }
    if (input_dims->n != 1 || output_dims->n != 1 || filter_dims->n != 1 ||
        filter_dims->c != input_dims->c * p->depth_multiplier || output_dims->c != filter_dims->c) {
        return ES_ERR_SHAPE;
    }
    return es_shifts_are_valid(quant->shift, output_dims->c) ? ES_OK : ES_ERR_RANGE;
}

/* The checks of es_depthwise_conv2d_s8 (every kernel set): the buffers, then the rest. */
static inline es_status es_dw_conv_begin_s8(const es_dw_conv_params *params,
                                            const es_per_channel_quant_params *quant,
                                            const es_dims *input_dims, const int8_t *input,
                                            const es_dims *filter_dims, const int8_t *filter,
                                            const es_dims *output_dims, const int8_t *output)
{
    if (input == NULL || output == NULL) {
        return ES_ERR_ARG;
    }
    return es_dw_conv_check_s8(params, quant, input_dims, filter_dims, filter, output_dims);
}

/* The checks of the in-place depthwise entry point (reference and fast): one buffer for input
 * and output, a scratch, depth multiplier 1. */
static inline es_status es_dw_conv_inplace_check_s8(const es_dw_conv_params *params,
                                                    const es_per_channel_quant_params *quant,
                                                    const es_dims *input_dims, const int8_t *data,
                                                    const es_dims *filter_dims,
                                                    const int8_t *filter,
                                                    const es_dims *output_dims,
                                                    const int8_t *scratch)
{
    es_status status;
    if (data == NULL || scratch == NULL) {
        return ES_ERR_ARG;
    }
    status = es_dw_conv_check_s8(params, quant, input_dims, filter_dims, filter, output_dims);
    if (status != ES_OK) {
        return status;
    }
    return params->depth_multiplier == 1 ? ES_OK : ES_ERR_RANGE;
}

/*
 * The checks of es_conv2d_s8 (reference and fast), in the order of the status codes' priority,
 * and the window of its output pixels.
 */
static inline es_status es_conv_begin_s8(es_window *win, const es_conv_params *params,
                                         const es_per_channel_quant_params *quant,
                                         const es_dims *input_dims, const int8_t *input,
                                         const es_dims *filter_dims, const int8_t *filter,
                                         const es_dims *output_dims, const int8_t *output)
{
    es_status status;
    if (!es_filter_args_are_valid(params, input_dims, input, filter_dims, filter, output_dims,
                                  output) ||
        !es_per_channel_quant_is_present(quant)) {
        return ES_ERR_ARG;
    }
    status = es_conv_window_begin(win, input_dims, filter_dims, output_dims, params->stride,
                                  params->dilation, params->padding);
    if (status != ES_OK) {
        return status;
    }
    if (!es_activation_is_valid(params->activation) ||
        !es_shifts_are_valid(quant->shift, output_dims->c)) {
        return ES_ERR_RANGE;
    }
    return ES_OK;
}

/*
 * The checks of es_add_s8 (reference and fast) and its broadcast walk before the first row;
 * left_shift above 23 could overflow int32 on (x + offset) << left_shift.
 */
static inline es_status es_add_begin_s8(es_broadcast *at, const es_add_params *p,
                                        const es_dims *input1_dims, const int8_t *input1,
                                        const es_dims *input2_dims, const int8_t *input2,
                                        const es_dims *output_dims, const int8_t *output)
{
    if (!es_binary_args_are_valid(p, input1_dims, input1, input2_dims, input2, output_dims,
                                  output)) {
        return ES_ERR_ARG;
    }
    if (p->left_shift < 0 || p->left_shift > 23 || !es_shift_is_valid(p->input1_shift) ||
        !es_shift_is_valid(p->input2_shift) || !es_shift_is_valid(p->output_shift) ||
        !es_activation_is_valid(p->activation)) {
        return ES_ERR_RANGE;
    }
    return es_broadcast_start(at, input1_dims, input2_dims, output_dims) ? ES_OK : ES_ERR_SHAPE;
}

/* The output stage of a dense layer with `output_depth` outputs (es_fc_quant_params). */
static inline int es_fc_quant_is_valid(const es_fc_quant_params *q, int32_t output_depth)
{
    const int32_t channels = q->per_channel ? output_depth : 1;
    int32_t c;
    if (q->per_channel != 0 && q->per_channel != 1) {
        return 0;
    }
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

/* The argument checks of the int8 dense entry point (reference, fast and Helium sets). */
static inline es_status es_fc_check_s8(const es_fc_params *params, const es_fc_quant_params *quant,
                                       const es_fc_dims *dims, const int8_t *input,
                                       const void *filter, const int8_t *output)
{
    if (!es_fc_args_are_valid(params, dims, input, filter, output) || quant == NULL) {
        return ES_ERR_ARG;
    }
    if (!es_fc_quant_is_valid(quant, dims->output_depth) ||
        !es_activation_is_valid(params->activation)) {
        return ES_ERR_RANGE;
    }
    return ES_OK;
}

/*
 * Output `oc` of an int8 dense layer: bias, output stage, output offset,
 * clamp. The offset wraps like the reference's when an out-of-range product
 * became INT32_MIN.
 */
static inline int8_t es_fc_output_s8(int32_t acc, const int32_t *bias, const es_fc_quant_params *q,
                                     int32_t oc, const es_fc_params *p)
{
    const int32_t channel = q->per_channel ? oc : 0;
    if (bias != NULL) {
        acc += bias[oc];
    }
    acc = q->stage == ES_OUTPUT_STAGE_EXACT_SCALE
              ? es_round_exact_scale(acc, q->scale[channel])
              : es_multiply_by_quantized_multiplier(acc, q->multiplier[channel], q->shift[channel]);
    return es_clamp_to_s8(es_add_wrap32(acc, p->output_offset), p->activation);
}

/*
 * The checks of an int8 pooling (ES_ERR_ARG, then ES_ERR_SHAPE, which here
 * also stands for an invalid clamp) and its window before output pixel (0, 0).
 */
static inline es_status es_pool_begin_s8(es_window *w, const es_pool_params *p,
                                         const es_dims *input_dims, const void *input,
                                         const es_dims *output_dims, const void *output)
{
    if (!es_unary_args_are_valid(p, input_dims, input, output_dims, output)) {
        return ES_ERR_ARG;
    }
    if (!es_activation_is_valid(p->activation)) {
        return ES_ERR_SHAPE;
    }
    return es_pool_window_begin(w, input_dims, output_dims, p->window, p->stride, p->padding);
}

/* sum / count rounded half away from zero (C99 division truncates toward zero). */
static inline int32_t es_rounded_average(int32_t sum, int32_t count)
{
    return sum > 0 ? (sum + count / 2) / count : (sum - count / 2) / count;
}

/* out[i] = table[in[i] + 128]: int8 functions evaluated once per input code. */
static inline es_status es_table_lookup_s8(const int8_t *table, int32_t size, const int8_t *input,
                                           int8_t *output)
{
    int32_t i;
    if (!es_elementwise_args_are_valid(table, size, input, output)) {
        return ES_ERR_ARG;
    }
    for (i = 0; i < size; ++i) {
        output[i] = table[(int32_t)input[i] + 128];
    }
    return ES_OK;
}

/* |x| as an unsigned value (defined for INT32_MIN too). */
static inline uint32_t es_magnitude32(int32_t x)
{
    return x < 0 ? (uint32_t)0 - (uint32_t)x : (uint32_t)x;
}

/* TFLite's int16 sigmoid: x (Q3.12 times 3) to Q0.15, interpolating the 256-entry table of
 * sigmoid(k / 24) in Q0.16. Shared by es_logistic_s16 and the LSTM's gates. */
static inline int16_t es_sigmoid_q15(const uint16_t *table, int32_t x)
{
    const uint32_t ax = es_magnitude32(x);
    const uint32_t k = ax >> 9;
    uint32_t r = (uint32_t)0x7FFF << 10;
    if (k < 255u) {
        const uint32_t a = table[k], b = table[k + 1u];
        r = (a << 9) + (ax & 0x1FFu) * (b - a);
    }
    r = x >= 0 ? r + (1u << 9) : (1u << 25) - r + (1u << 9) - 1u;
    return (int16_t)(r >> 10);
}

/* tanh in Q0.15 from the same table at twice the argument (tanh(x) = 2 sigmoid(2x) - 1). */
static inline int16_t es_tanh_q15(const uint16_t *table, int32_t x)
{
    const uint32_t ax = es_magnitude32(x);
    const uint32_t k = ax >> 8;
    int32_t r = (int32_t)((uint32_t)0xFFFF << 8);
    if (k < 255u) {
        const uint32_t a = table[k], b = table[k + 1u];
        r = (int32_t)((a << 8) + (ax & 0xFFu) * (b - a));
    }
    r = x >= 0 ? r - (1 << 23) + (1 << 7) : -r + (1 << 23) + (1 << 7) - 1;
    return (int16_t)es_asr32(r, 8);
}

#ifdef __cplusplus
}
#endif

#endif /* ES_NN_SUPPORT_H */
