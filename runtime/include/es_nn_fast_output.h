/*
 * edgesmith C runtime: the output stages of the fast int8 kernels (included by
 * es_nn_fast.h): short forms proved equal to the reference's requantization and
 * exact-double scaling, each with the cases it leaves to the reference.
 */
#ifndef ES_NN_FAST_OUTPUT_H
#define ES_NN_FAST_OUTPUT_H

#include <stdint.h>

#include "es_nn_fast.h" /* the instruction helpers these build on */
#include "es_nn_support.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * The requantization of one channel, prepared once per call: the left and
 * right parts of the shift, and whether the short form applies.
 */
typedef struct {
    int32_t multiplier;
    int32_t left;
    int32_t right;
    int32_t exact_only; /* multiplier INT32_MIN: the one saturating case, left to the reference */
} es_fast_requant;

static inline es_fast_requant es_fast_requant_of(int32_t multiplier, int32_t shift)
{
    es_fast_requant r;
    r.multiplier = multiplier;
    r.left = shift > 0 ? shift : 0;
    r.right = shift > 0 ? 0 : -shift;
    r.exact_only = multiplier == INT32_MIN;
    return r;
}

#if ES_FAST_INTRINSICS
/* (a * b + 2^31) >> 32: the high word rounded, one SMMULR. */
static inline int32_t es_fast_high_rounded(int32_t a, int32_t b)
{
    int32_t r;
    __asm__("smmulr %0, %1, %2" : "=r"(r) : "r"(a), "r"(b));
    return r;
}
#else
static inline int32_t es_fast_high_rounded(int32_t a, int32_t b)
{
    return (int32_t)(((int64_t)a * b + ((int64_t)1 << 31)) >> 32);
}
#endif

/*
 * es_multiply_by_quantized_multiplier(acc, multiplier, shift), bit for bit:
 * the nudged, truncated doubling high multiply equals floor((a*b + 2^30) / 2^31)
 * for both signs, which is the rounded high word of (2a) * b wherever 2a fits
 * int32 (|a| < 2^30, every accumulator of a real layer): one SMMULR. The
 * result x is above INT32_MIN (multiplier is not INT32_MIN), so
 * t = x - (x < 0) cannot overflow, and rounding half away from zero by 2^e is
 * floor(t / 2^e) plus bit e-1 of t.
 */
static inline int32_t es_fast_requantize(int32_t acc, const es_fast_requant *r)
{
    const int32_t shifted = es_wrap32((uint32_t)acc << r->left);
    int32_t x, t;
    if (r->exact_only) {
        return es_multiply_by_quantized_multiplier(acc, r->multiplier, r->left - r->right);
    }
    if ((uint32_t)shifted + 0x40000000u < 0x80000000u) {
        x = es_fast_high_rounded(shifted * 2, r->multiplier);
    } else {
        x = (int32_t)(((int64_t)shifted * r->multiplier + ((int64_t)1 << 30)) >> 31);
    }
    if (r->right == 0) {
        return x;
    }
    t = x - (x < 0);
    return (t >> r->right) + ((t >> (r->right - 1)) & 1);
}

/*
 * The output stage of one channel in its shortest exact form. It applies where
 * the shift is a right shift of 1..21 and every accumulator (bias included) is
 * known to stay below 2^29 in magnitude (es_fast_short_fits; the bound comes
 * from the weights and the input range, so nothing is tested per output):
 * then 2 * acc fits int32 and the doubling high multiply is one SMMULR (as in
 * es_fast_requantize); x / 2^right rounded half away from zero is
 * (x + (x < 0 ? -1 : 0) + 2^(right-1)) >> right, and the output offset rides
 * in the same add as offset * 2^right (|x| <= 2^29 + 1, so nothing overflows).
 */
typedef struct {
    int32_t multiplier;
    int32_t right;
    int32_t round;  /* 2^(right-1) + output_offset * 2^right */
    int32_t min, max;
} es_fast_short;

/* Whether accumulators with |acc| <= bound take the short form of r. */
static inline int es_fast_short_fits(const es_fast_requant *r, int64_t bound)
{
    return !r->exact_only && r->left == 0 && r->right >= 1 && r->right <= 21 &&
           bound < ((int64_t)1 << 29);
}

static inline es_fast_short es_fast_short_of(const es_fast_requant *r, int32_t output_offset,
                                             es_activation act)
{
    es_fast_short s;
    s.multiplier = r->multiplier;
    s.right = r->right;
    s.round = (int32_t)(1u << (r->right - 1)) + output_offset * (int32_t)(1u << r->right);
    s.min = act.min;
    s.max = act.max;
    return s;
}

/*
 * es_fast_short_fits and es_fast_short_of from the raw per-channel values, in
 * the few instructions a per-output loop can afford: bias_limit is 2^29 less
 * the bound of the dot product (<= 0: the short form never applies).
 */
static inline int es_fast_short_from(int32_t multiplier, int32_t shift, int32_t bias,
                                     int32_t bias_limit, int32_t output_offset,
                                     es_activation act, es_fast_short *s)
{
    const uint32_t right = (uint32_t)-shift;
    if (right - 1u >= 21u || multiplier == INT32_MIN || bias <= -bias_limit ||
        bias >= bias_limit) {
        return 0;
    }
    s->multiplier = multiplier;
    s->right = (int32_t)right;
    s->round = (int32_t)((1u << (right - 1u)) + ((uint32_t)output_offset << right));
    s->min = act.min;
    s->max = act.max;
    return 1;
}

/* 2^29 less `bound` (the bound of a dot product), or 0 where that is not positive. */
static inline int32_t es_fast_bias_limit(int64_t bound)
{
    return bound < ((int64_t)1 << 29) ? (int32_t)(((int64_t)1 << 29) - bound) : 0;
}

/* The value before the clamp: requantized, offset added. */
static inline int32_t es_fast_short_value(int32_t acc, const es_fast_short *s)
{
    const int32_t x = es_fast_high_rounded(acc + acc, s->multiplier);
    return (x + (x >> 31) + s->round) >> s->right;
}

static inline int8_t es_fast_short_output_s8(int32_t acc, const es_fast_short *s)
{
    const int32_t v = es_fast_short_value(acc, s);
    return (int8_t)(v < s->min ? s->min : v > s->max ? s->max : v);
}

/* The same where the clamp is the whole int8 range: one SSAT on a DSP core. */
static inline int8_t es_fast_short_saturate_s8(int32_t acc, const es_fast_short *s)
{
#if ES_FAST_INTRINSICS
    return (int8_t)__ssat(es_fast_short_value(acc, s), 8);
#else
    const int32_t v = es_fast_short_value(acc, s);
    return (int8_t)(v < -128 ? -128 : v > 127 ? 127 : v);
#endif
}

/*
 * es_fast_short_value of an accumulator given doubled (acc2 = 2 * acc, the
 * weights or tables doubled once per call), from the stage's parts, for a
 * multiplier that is not negative: then x < 0 only where acc2 < 0, and where
 * x = 0 the -1 for a negative x does not change the result (2^(right-1) - 1
 * and 2^(right-1) round alike), so the accumulator's sign stands in for x's.
 * On the M4 the doubled loops do this with SMMLAR (the round added in the
 * multiply) and one ADD with ASR #31.
 */
static inline int32_t es_fast_short_value2(int32_t acc2, int32_t multiplier, int32_t round,
                                           int32_t right)
{
    return (es_fast_high_rounded(acc2, multiplier) + round + (acc2 >> 31)) >> right;
}

/*
 * The one-multiply output stage (edgesmith.codegen.c_one_multiply) of an accumulator
 * whose rows were stored times S (S * acc + delta): SMMLAR's value, no shift, no sign;
 * found and checked offline against the reference on the channel's whole accumulator
 * range. The clamp comes after it.
 */
static inline int32_t es_fast_one_multiply(int32_t acc, int32_t multiplier, int32_t constant)
{
    /* SMMLAR adds the constant to the high word: the rounded high word, plus it */
    return es_fast_high_rounded(acc, multiplier) + constant;
}

/* A table's output stage: the short one (right 1..31), or the one-multiply one (right 0). */
static inline int32_t es_fast_table_stage(int32_t acc2, int32_t multiplier, int32_t round,
                                          int32_t right)
{
    return right == 0 ? es_fast_one_multiply(acc2, multiplier, round)
                      : es_fast_short_value2(acc2, multiplier, round, right);
}

/* The largest |x + input_offset| of an int8 x. */
static inline int64_t es_fast_input_bound(int32_t input_offset)
{
    const int64_t low = -128 + (int64_t)input_offset, high = 127 + (int64_t)input_offset;
    return low < 0 ? (-low > high ? -low : high) : high;
}

/* Requantize, add the output offset and clamp: the reference's output stage after the bias. */
static inline int8_t es_fast_output_s8(int32_t acc, const es_fast_requant *r, int32_t output_offset,
                                       es_activation act)
{
    return es_clamp_to_s8(es_fast_requantize(acc, r) + output_offset, act);
}

/*
 * es_round_exact_scale(x, scale), bit for bit, in a few multiplies. The exact
 * magnitude |x| * mantissa (P, below 2^84) is rounded to an integer at the
 * binary point s = -exponent, half away from zero. The double the reference
 * models rounds P to 53 significant bits first, moving it by at most 2^30, and
 * that changes the integer only when P lies within 2^30 of a half: those
 * cases (about one in 2^(s-33)), a binary point outside [34, 95] and results
 * beyond int32 take the reference's routine.
 */
static inline int32_t es_fast_round_exact_scale(int32_t x, es_exact_scale scale)
{
    const uint32_t a = x < 0 ? 0u - (uint32_t)x : (uint32_t)x;
    const uint64_t m = (uint64_t)scale.mantissa;
    const int32_t s = -scale.exponent;
    uint64_t high, fraction, half, magnitude;
    if (s < 34 || s > 95) {
        return es_round_exact_scale(x, scale);
    }
    /* P >> 32: the low 32 bits of P cannot reach a half (s - 1 >= 33) */
    high = (uint64_t)a * (m >> 32) + (((uint64_t)a * (m & 0xFFFFFFFFu)) >> 32);
    fraction = high & ((((uint64_t)1) << (s - 32)) - 1u);
    half = (uint64_t)1 << (s - 33);
    if (fraction + 1u >= half && fraction <= half + 1u) {
        return es_round_exact_scale(x, scale); /* within 2^32 of a half: the double decides */
    }
    magnitude = (high >> (s - 32)) + (fraction >= half ? 1u : 0u);
    if (magnitude > (uint64_t)INT32_MAX) {
        return es_round_exact_scale(x, scale);
    }
    return x < 0 ? -(int32_t)magnitude : (int32_t)magnitude;
}

/*
 * es_fast_round_exact_scale with the scale's parts prepared once per call
 * (es_fast_exact_of): for binary points s in [34, 63] the fraction below the
 * point fits 32 bits, so each output costs two UMULLs and a few word
 * operations; any other scale, and the cases that routine hands to the
 * reference, still go there.
 */
typedef struct {
    es_exact_scale scale;
    uint32_t m_hi, m_lo;
    int32_t shift; /* s - 32, in [2, 31]; 0: use es_fast_round_exact_scale */
} es_fast_exact;

static inline es_fast_exact es_fast_exact_of(es_exact_scale scale)
{
    es_fast_exact e;
    const int32_t s = -scale.exponent;
    e.scale = scale;
    e.m_hi = (uint32_t)((uint64_t)scale.mantissa >> 32);
    e.m_lo = (uint32_t)((uint64_t)scale.mantissa & 0xFFFFFFFFu);
    e.shift = s >= 34 && s <= 63 ? s - 32 : 0;
    return e;
}

static inline int32_t es_fast_round_exact(int32_t x, const es_fast_exact *e)
{
    const uint32_t a = x < 0 ? 0u - (uint32_t)x : (uint32_t)x;
    uint64_t high, magnitude;
    uint32_t fraction, half;
    if (e->shift == 0) {
        return es_fast_round_exact_scale(x, e->scale);
    }
    high = (uint64_t)a * e->m_hi + (((uint64_t)a * e->m_lo) >> 32);
    fraction = (uint32_t)high & ((1u << e->shift) - 1u);
    half = 1u << (e->shift - 1);
    if (fraction + 1u >= half && fraction <= half + 1u) {
        return es_round_exact_scale(x, e->scale); /* within 2^32 of a half: the double decides */
    }
    magnitude = (high >> e->shift) + (fraction >= half ? 1u : 0u);
    if (magnitude > (uint64_t)INT32_MAX) {
        return es_round_exact_scale(x, e->scale);
    }
    return x < 0 ? -(int32_t)magnitude : (int32_t)magnitude;
}

#ifdef __cplusplus
}
#endif

#endif /* ES_NN_FAST_OUTPUT_H */
