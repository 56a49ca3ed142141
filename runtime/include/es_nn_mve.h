/*
 * edgesmith C runtime: Helium (MVE) building blocks of the kernels in runtime/kernels/mve.
 *
 * ES_MVE is 1 where the compiler targets the integer M-profile vector extension
 * (Cortex-M55 and later); the kernels fall back to plain loops elsewhere.
 *
 * The vector requantization equals es_multiply_by_quantized_multiplier lane by lane:
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

/* The sum of n int8 values. */
static inline int32_t es_mve_sum_s8(const int8_t *p, int32_t n)
{
    int32_t sum = 0, k;
    for (k = 0; k < n; k += 16) {
        const mve_pred16_t active = vctp8q((uint32_t)(n - k));
        sum = vaddvaq_s8(sum, vldrbq_z_s8(p + k, active));
    }
    return sum;
}

/*
 * Dot products of an int8 column x with four int8 weight rows w0..w3, depth (> 0) values
 * each, as the four lanes of a vector. One pixel by four channels keeps every pointer and
 * sum in a register.
 */
/* not inlined: its fixed registers would clash with the caller's */
static __attribute__((noinline)) int32x4_t es_mve_dot_1x4(const int8_t *x, const int8_t *w0,
                                                          const int8_t *w1, const int8_t *w2,
                                                          const int8_t *w3, int32_t depth)
{
    /* VMLADAVA accumulates into an even register */
    register int32_t s0 __asm__("r0") = 0;
    register int32_t s1 __asm__("r2") = 0;
    register int32_t s2 __asm__("r4") = 0;
    register int32_t s3 __asm__("r6") = 0;
    int32x4_t sums;
    /* a tail-predicated loop: the last iteration's lanes past the depth load and add
     * nothing (the compiler does not form DLSTP/LETP loops from intrinsics) */
    __asm__ volatile("   dlstp.8 lr, %[n]\n"
                     "1: vldrb.8 q0, [%[x]], #16\n"
                     "   vldrb.8 q1, [%[w0]], #16\n"
                     "   vmladava.s8 %[s0], q0, q1\n"
                     "   vldrb.8 q1, [%[w1]], #16\n"
                     "   vmladava.s8 %[s1], q0, q1\n"
                     "   vldrb.8 q1, [%[w2]], #16\n"
                     "   vmladava.s8 %[s2], q0, q1\n"
                     "   vldrb.8 q1, [%[w3]], #16\n"
                     "   vmladava.s8 %[s3], q0, q1\n"
                     "   letp lr, 1b\n"
                     : [s0] "+r"(s0), [s1] "+r"(s1), [s2] "+r"(s2), [s3] "+r"(s3), [x] "+r"(x),
                       [w0] "+r"(w0), [w1] "+r"(w1), [w2] "+r"(w2), [w3] "+r"(w3)
                     : [n] "r"(depth)
                     : "q0", "q1", "lr", "memory");
    sums = vdupq_n_s32(s0);
    sums = vsetq_lane_s32(s1, sums, 1);
    sums = vsetq_lane_s32(s2, sums, 2);
    return vsetq_lane_s32(s3, sums, 3);
}

/* What follows the requantization of every output: the offset and the activation clamp. */
typedef struct {
    int32x4_t offset, min, max;
} es_mve_output_stage;

static inline es_mve_output_stage es_mve_output_stage_of(int32_t output_offset,
                                                         es_activation act)
{
    es_mve_output_stage s;
    s.offset = vdupq_n_s32(output_offset);
    s.min = vdupq_n_s32(act.min);
    s.max = vdupq_n_s32(act.max);
    return s;
}

/* es_multiply_by_quantized_multiplier on four lanes (see the header comment). */
static inline int32x4_t es_mve_requantize(int32x4_t acc, int32x4_t multiplier, int32x4_t shift)
{
    const int32x4_t zero = vdupq_n_s32(0);
    const int32x4_t right = vminq_s32(shift, zero); /* minus the right shift */
    int32x4_t x = vqrdmulhq_s32(vshlq_s32(acc, vmaxq_s32(shift, zero)), multiplier);
    x = vqaddq_s32(x, vshrq_n_s32(vandq_s32(x, right), 31));
    return vrshlq_s32(x, right);
}

/*
 * Channels oc .. oc + 3 (the first `left` of them, at most 4) of one pixel: sums plus the
 * prepared terms, requantized, offset, clamped and stored as int8.
 */
static inline void es_mve_store_4(int8_t *out, int32x4_t sums, const int32_t *terms,
                                  const es_per_channel_quant_params *quant, int32_t oc,
                                  int32_t left, const es_mve_output_stage *stage)
{
    const mve_pred16_t active = vctp32q((uint32_t)left);
    const int32x4_t sum = vaddq_s32(sums, vldrwq_z_s32(terms, active));
    const int32x4_t multiplier = vldrwq_z_s32(quant->multiplier + oc, active);
    const int32x4_t shift = vldrbq_z_s32(quant->shift + oc, active);
    int32x4_t x = vaddq_s32(es_mve_requantize(sum, multiplier, shift), stage->offset);
    x = vminq_s32(vmaxq_s32(x, stage->min), stage->max);
    vstrbq_p_s32(out, x, active);
}

#endif /* ES_MVE */

#endif /* ES_NN_MVE_H */
