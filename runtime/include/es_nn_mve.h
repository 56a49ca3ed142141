/*
 * edgesmith C runtime: Helium (MVE) building blocks of the kernels in runtime/kernels/mve.
 *
 * ES_MVE is 1 where the compiler targets the integer M-profile vector extension
 * (Cortex-M55 and later); the kernels fall back to plain loops elsewhere.
 *
 * The vector requantization (es_mve_output_4) equals es_multiply_by_quantized_multiplier
 * lane by lane:
 * VQRDMULH rounds the doubled high product as floor((a*b + 2^30) / 2^31), which is what
 * the nudged, truncated doubling high multiply of the reference gives for both signs, and
 * saturates the one overflowing case (INT32_MIN squared) to INT32_MAX as the reference
 * does. VRSHL by a negative amount rounds half up; subtracting 1 from a negative value
 * first (saturating: INT32_MIN stays, and rounds the same) turns that into the reference's
 * rounding half away from zero, and a shift of 0 subtracts nothing.
 */
#ifndef ES_NN_MVE_H
#define ES_NN_MVE_H

#include <stdint.h>

#include "es_nn_types.h"

#if defined(__ARM_FEATURE_MVE) && (__ARM_FEATURE_MVE & 1)
#include <arm_mve.h>
#define ES_MVE 1
#else
#define ES_MVE 0
#endif

#if ES_MVE

/* n bytes from src to dst, 16 at a time (short window rows: cheaper than a memcpy call). */
static inline void es_mve_copy(int8_t *dst, const int8_t *src, int32_t n)
{
    for (; n > 0; n -= 16, src += 16, dst += 16) {
        const mve_pred16_t active = vctp8q((uint32_t)n);
        vstrbq_p_s8(dst, vldrbq_z_s8(src, active), active);
    }
}

/* n bytes of dst set to value, 16 at a time. */
static inline void es_mve_fill(int8_t *dst, int8_t value, int32_t n)
{
    const int8x16_t v = vdupq_n_s8(value);
    for (; n > 0; n -= 16, dst += 16) {
        vstrbq_p_s8(dst, v, vctp8q((uint32_t)n));
    }
}

/* The sum of n int8 values: a tail-predicated loop, three instructions per 16 values
 * (the compiler does not form DLSTP/LETP loops from intrinsics). */
static inline int32_t es_mve_sum_s8(const int8_t *p, int32_t n)
{
    int32_t sum = 0;
    if (n > 0) {
        __asm__ volatile("   dlstp.8 lr, %[n]\n"
                         "1: vldrb.8 q0, [%[p]], #16\n"
                         "   vaddva.s8 %[s], q0\n"
                         "   letp lr, 1b\n"
                         : [s] "+Te"(sum), [p] "+r"(p)
                         : [n] "r"(n), "m"(*(const int8_t(*)[])p)
                         : "q0", "lr");
    }
    return sum;
}

/*
 * The dot products of an int8 column x with four int8 weight rows w0..w3 of depth (> 0)
 * values, added to s0..s3: a tail-predicated loop (the last iteration's lanes past the
 * depth load and add nothing; the compiler does not form DLSTP/LETP loops from
 * intrinsics). VMLADAVA accumulates into even registers, so s0..s3 must be register
 * variables in r0, r2, r4 and r6.
 */
#define ES_MVE_DOT_1X4(x, w0, w1, w2, w3, depth, s0, s1, s2, s3)                          \
    __asm__ volatile("   dlstp.8 lr, %[n]\n"                                               \
                     "1: vldrb.8 q0, [%[px]], #16\n"                                       \
                     "   vldrb.8 q1, [%[p0]], #16\n"                                       \
                     "   vmladava.s8 %[a0], q0, q1\n"                                      \
                     "   vldrb.8 q1, [%[p1]], #16\n"                                       \
                     "   vmladava.s8 %[a1], q0, q1\n"                                      \
                     "   vldrb.8 q1, [%[p2]], #16\n"                                       \
                     "   vmladava.s8 %[a2], q0, q1\n"                                      \
                     "   vldrb.8 q1, [%[p3]], #16\n"                                       \
                     "   vmladava.s8 %[a3], q0, q1\n"                                      \
                     "   letp lr, 1b\n"                                                    \
                     : [a0] "+r"(s0), [a1] "+r"(s1), [a2] "+r"(s2), [a3] "+r"(s3),           \
                       [px] "+r"(x), [p0] "+r"(w0), [p1] "+r"(w1), [p2] "+r"(w2),            \
                       [p3] "+r"(w3)                                                         \
                     : [n] "r"(depth)                                                        \
                     : "q0", "q1", "lr", "memory")

/*
 * Dot products of an int8 column x with four int8 weight rows w0..w3, depth (> 0) values
 * each, as the four lanes of a vector. Not inlined: its fixed registers would clash with
 * a large caller's (unused in a kernel that takes only the other helpers).
 */
static __attribute__((noinline, unused)) int32x4_t es_mve_dot_1x4(const int8_t *x,
                                                                  const int8_t *w0,
                                                                  const int8_t *w1,
                                                                  const int8_t *w2,
                                                                  const int8_t *w3,
                                                                  int32_t depth);

/* Four sums as the lanes of a vector (lane by lane: the two-lane VMOV is avoided, as its
 * operand order differs between the assembler's reading and QEMU's). */
static inline int32x4_t es_mve_lanes(int32_t s0, int32_t s1, int32_t s2, int32_t s3)
{
    int32x4_t v = vdupq_n_s32(s0);
    v = vsetq_lane_s32(s1, v, 1);
    v = vsetq_lane_s32(s2, v, 2);
    return vsetq_lane_s32(s3, v, 3);
}

static int32x4_t es_mve_dot_1x4(const int8_t *x, const int8_t *w0, const int8_t *w1,
                                const int8_t *w2, const int8_t *w3, int32_t depth)
{
    register int32_t s0 __asm__("r0") = 0;
    register int32_t s1 __asm__("r2") = 0;
    register int32_t s2 __asm__("r4") = 0;
    register int32_t s3 __asm__("r6") = 0;
    ES_MVE_DOT_1X4(x, w0, w1, w2, w3, depth, s0, s1, s2, s3);
    return es_mve_lanes(s0, s1, s2, s3);
}

/* What follows the requantization of every output: the offset and the activation clamp. */
typedef struct {
    int32x4_t offset, min, max;
    int16x8_t min16, max16; /* the clamp on eight narrowed lanes (es_mve_output_8) */
} es_mve_output_stage;

static inline es_mve_output_stage es_mve_output_stage_of(int32_t output_offset,
                                                         es_activation act)
{
    es_mve_output_stage s;
    s.offset = vdupq_n_s32(output_offset);
    s.min = vdupq_n_s32(act.min);
    s.max = vdupq_n_s32(act.max);
    s.min16 = vdupq_n_s16((int16_t)act.min);
    s.max16 = vdupq_n_s16((int16_t)act.max);
    return s;
}

/* The requantization of four channels (the first `left` of them real), prepared once. */
typedef struct {
    int32x4_t terms, multiplier, left, right;
    mve_pred16_t active;
} es_mve_channels;

static inline es_mve_channels es_mve_channels_of(const es_per_channel_quant_params *quant,
                                                 const int32_t *terms, int32_t oc,
                                                 int32_t left)
{
    const int32x4_t zero = vdupq_n_s32(0);
    es_mve_channels c;
    int32x4_t shift;
    c.active = vctp32q((uint32_t)left);
    c.terms = vldrwq_z_s32(terms, c.active);
    c.multiplier = vldrwq_z_s32(quant->multiplier + oc, c.active);
    shift = vldrbq_z_s32(quant->shift + oc, c.active);
    c.left = vmaxq_s32(shift, zero);
    c.right = vminq_s32(shift, zero);
    return c;
}

/* The requantization of one parity (even or odd channels) of eight channels starting at the
 * pointers' channel: lanes 0, 2, 4, 6 of them, the first `left` real (terms NULL: 0). */
static inline es_mve_channels es_mve_parity_channels(const int32_t *terms,
                                                     const int32_t *multiplier,
                                                     const int8_t *shift, int32_t left)
{
    const uint32x4_t words = vidupq_n_u32(0, 8), bytes = vidupq_n_u32(0, 2);
    const int32x4_t zero = vdupq_n_s32(0);
    es_mve_channels ch;
    int32x4_t shifts;
    ch.active = vctp32q((uint32_t)(left > 0 ? (left + 1) / 2 : 0));
    ch.terms = terms != NULL ? vldrwq_gather_offset_z_s32(terms, words, ch.active) : zero;
    ch.multiplier = vldrwq_gather_offset_z_s32(multiplier, words, ch.active);
    shifts = vldrbq_gather_offset_z_s32(shift, bytes, ch.active);
    ch.left = vmaxq_s32(shifts, zero);
    ch.right = vminq_s32(shifts, zero);
    return ch;
}

/* Sums of four channels (their terms included) requantized: no offset, no clamp yet. */
static inline int32x4_t es_mve_requantize(int32x4_t sums, const es_mve_channels *c)
{
    int32x4_t x = vqrdmulhq_s32(vshlq_s32(sums, c->left), c->multiplier);
    x = vqaddq_s32(x, vshrq_n_s32(vandq_s32(x, c->right), 31));
    return vrshlq_s32(x, c->right);
}

/* Sums of four channels plus their terms, requantized, offset and clamped. */
static inline int32x4_t es_mve_outputs(int32x4_t sums, const es_mve_channels *c,
                                       const es_mve_output_stage *stage)
{
    const int32x4_t x = vaddq_s32(es_mve_requantize(vaddq_s32(sums, c->terms), c), stage->offset);
    return vminq_s32(vmaxq_s32(x, stage->min), stage->max);
}

/* es_mve_outputs of four consecutive channels of one pixel, stored as int8. */
static inline void es_mve_output_4(int8_t *out, int32x4_t sums, const es_mve_channels *c,
                                   const es_mve_output_stage *stage)
{
    vstrbq_p_s32(out, es_mve_outputs(sums, c, stage), c->active);
}

/*
 * Eight channels of one pixel, the even ones in the lanes of `even`, the odd ones in
 * `odd` (sums with their terms included), as eight int16 lanes in channel order, clamped
 * to the activation: one narrowing store writes them as int8. The output offset is added
 * in 32 bits, wrapping as in the reference; narrowing with saturation to 16 bits then
 * moves no value across the int8 clamp.
 */
static inline int16x8_t es_mve_outputs_8(int32x4_t even, int32x4_t odd,
                                         const es_mve_channels *ce, const es_mve_channels *co,
                                         const es_mve_output_stage *stage)
{
    int16x8_t v = vqmovnbq_s32(vuninitializedq_s16(),
                               vaddq_s32(es_mve_requantize(even, ce), stage->offset));
    v = vqmovntq_s32(v, vaddq_s32(es_mve_requantize(odd, co), stage->offset));
    return vminq_s16(vmaxq_s16(v, stage->min16), stage->max16);
}

#endif /* ES_MVE */

#endif /* ES_NN_MVE_H */
