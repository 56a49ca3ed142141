/*
 * edgesmith C runtime: integer requantization primitives shared by every kernel.
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

#include "es_nn_types.h"

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

/* A Q31 shift that es_multiply_by_quantized_multiplier accepts. */
static inline int es_shift_is_valid(int32_t shift)
{
    return shift >= -31 && shift <= 31;
}

/* Every dimension at least 1. */
static inline int es_dims_are_valid(const es_dims *d)
{
    return d->n >= 1 && d->h >= 1 && d->w >= 1 && d->c >= 1;
}

/* Dimension `axis` (0 n, 1 h, 2 w, 3 c) of a shape. */
static inline int32_t es_dim(const es_dims *d, int32_t axis)
{
    return axis == 0 ? d->n : axis == 1 ? d->h : axis == 2 ? d->w : d->c;
}

/* Number of elements of a shape. */
static inline int32_t es_dims_size(const es_dims *d)
{
    return d->n * d->h * d->w * d->c;
}

/*
 * Element strides of `in` read at the coordinates of `out`: a dimension of
 * size 1 that `out` repeats gets stride 0. Returns 0 when the shapes do not
 * broadcast.
 */
static inline int es_broadcast_strides(const es_dims *in, const es_dims *out, int32_t strides[4])
{
    const int32_t in_size[4] = {in->n, in->h, in->w, in->c};
    const int32_t out_size[4] = {out->n, out->h, out->w, out->c};
    int32_t dense = 1;
    int d;
    for (d = 3; d >= 0; --d) {
        if (in_size[d] != out_size[d] && in_size[d] != 1) {
            return 0;
        }
        strides[d] = in_size[d] == 1 ? 0 : dense;
        dense *= in_size[d];
    }
    return 1;
}

/* One output value of a binary elementwise op from its two (widened) inputs. */
typedef int8_t (*es_binary_op_s8)(const void *params, int32_t a, int32_t b);

/*
 * output = op(input1, input2) over the broadcast shape output_dims, in NHWC
 * order. Returns ES_ERR_SHAPE, before writing anything, when an input does
 * not broadcast to output_dims.
 */
static inline es_status es_broadcast_binary_s8(const es_dims *input1_dims, const int8_t *input1,
                                               const es_dims *input2_dims, const int8_t *input2,
                                               const es_dims *output_dims, int8_t *output,
                                               es_binary_op_s8 op, const void *params)
{
    int32_t s1[4], s2[4];
    int32_t n, h, w, c;
    if (!es_broadcast_strides(input1_dims, output_dims, s1) ||
        !es_broadcast_strides(input2_dims, output_dims, s2)) {
        return ES_ERR_SHAPE;
    }
    for (n = 0; n < output_dims->n; ++n) {
        for (h = 0; h < output_dims->h; ++h) {
            for (w = 0; w < output_dims->w; ++w) {
                for (c = 0; c < output_dims->c; ++c) {
                    const int32_t a = input1[n * s1[0] + h * s1[1] + w * s1[2] + c * s1[3]];
                    const int32_t b = input2[n * s2[0] + h * s2[1] + w * s2[2] + c * s2[3]];
                    *output++ = op(params, a, b);
                }
            }
        }
    }
    return ES_OK;
}

/* The cells [*begin, *end) of a window of `window` cells at `origin` that lie in [0, size). */
static inline void es_clip_window(int32_t origin, int32_t window, int32_t size, int32_t *begin,
                                  int32_t *end)
{
    *begin = origin < 0 ? -origin : 0;
    *end = size - origin < window ? size - origin : window;
}

/*
 * Pooling geometry: one sample, equal channels, window and stride >= 1,
 * padding >= 0, a valid clamp, and every window overlapping the image (the
 * first and last windows along each axis are the extreme ones).
 */
static inline int es_pool_geometry_is_valid(const es_pool_params *p, const es_dims *in,
                                            const es_dims *out)
{
    const int32_t last_y = (out->h - 1) * p->stride.h - p->padding.h;
    const int32_t last_x = (out->w - 1) * p->stride.w - p->padding.w;
    if (in->n != 1 || out->n != 1 || in->c != out->c) {
        return 0;
    }
    if (p->window.h < 1 || p->window.w < 1 || p->stride.h < 1 || p->stride.w < 1 ||
        p->padding.h < 0 || p->padding.w < 0 || !es_activation_is_valid(p->activation)) {
        return 0;
    }
    return p->window.h > p->padding.h && p->window.w > p->padding.w && last_y < in->h &&
           last_x < in->w;
}

/* out[i] = table[in[i] + 128]: int8 functions evaluated once per input code. */
static inline void es_table_lookup_s8(const int8_t *table, const int8_t *input, int32_t size,
                                      int8_t *output)
{
    int32_t i;
    for (i = 0; i < size; ++i) {
        output[i] = table[(int32_t)input[i] + 128];
    }
}

#ifdef __cplusplus
}
#endif

#endif /* ES_NN_SUPPORT_H */
