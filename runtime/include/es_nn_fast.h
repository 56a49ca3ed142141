/*
 * edgesmith C runtime: the primitives of the fast int8 kernels (runtime/kernels/fast/).
 *
 * The fast kernels compute the very integers of the reference kernels
 * (runtime/kernels/ref/); only the instruction sequence differs:
 *  - activations are widened to int16 once, with the input offset added, so
 *    padding is a 0 and no offset is added per multiply;
 *  - multiplies go two at a time through a dual 16-bit multiply-accumulate:
 *    the SMLAD instruction where the compiler targets the Arm DSP extension
 *    (Cortex-M4/M7/M33/M55: __ARM_FEATURE_DSP), a portable C twin elsewhere;
 *  - requantization is a short form proved equal to
 *    es_multiply_by_quantized_multiplier (es_fast_requantize below).
 *
 * The ISA is the compiler's: a board file's -mcpu flags decide it, no
 * template or generated code does.
 *
 * Unlike the reference, these helpers rely on '>>' of a negative int being an
 * arithmetic shift, as GCC and Clang document for every target.
 */
#ifndef ES_NN_FAST_H
#define ES_NN_FAST_H

#include <stdint.h>
#include <string.h>

#include "es_nn_config.h"
#include "es_nn_support.h"

/*
 * ES_FAST_DSP selects the loops built for dual MACs; the instructions are
 * SMLAD & co. on a DSP core, their C twins elsewhere. The host tests define
 * ES_FAST_EMULATE_DSP to run the DSP loops through the twins.
 */
#if defined(__ARM_FEATURE_DSP) && __ARM_FEATURE_DSP
#include <arm_acle.h>
#define ES_FAST_DSP 1
#define ES_FAST_INTRINSICS 1
#elif defined(ES_FAST_EMULATE_DSP)
#define ES_FAST_DSP 1
#define ES_FAST_INTRINSICS 0
#else
#define ES_FAST_DSP 0
#define ES_FAST_INTRINSICS 0
#endif

#ifdef __cplusplus
extern "C" {
#endif

/*
 * A loop kept out of its caller: inlined into a large function, GCC spills
 * the loop's registers; on its own it keeps them.
 */
#if defined(__GNUC__)
#define ES_FAST_NOINLINE __attribute__((noinline))
#else
#define ES_FAST_NOINLINE
#endif

/* Elements of the int16 buffers the fast kernels keep on the stack (2 bytes each). */
#define ES_FAST_BUFFER 1280

/* A 32-bit word from any address (one LDR where unaligned loads are allowed). */
static inline uint32_t es_fast_load32(const void *p)
{
    uint32_t v;
    memcpy(&v, p, sizeof v);
    return v;
}

/* lo in the low 16-bit half, hi in the high one. */
static inline uint32_t es_fast_halves(int32_t lo, int32_t hi)
{
    return ((uint32_t)lo & 0xFFFFu) | ((uint32_t)hi << 16);
}

#if ES_FAST_INTRINSICS
/* acc + lo(a) * lo(b) + hi(a) * hi(b), halves signed 16-bit. */
static inline int32_t es_fast_dual_mac(uint32_t a, uint32_t b, int32_t acc)
{
    return __smlad(a, b, acc);
}

/* Bytes 0 and 2 of x sign-extended into the two halves. */
static inline uint32_t es_fast_bytes02(uint32_t x)
{
    return __sxtb16(x);
}

/* Bytes 1 and 3 of x sign-extended into the two halves (the rotation is SXTB16's own:
 * GCC does not fold a C rotate into it). */
static inline uint32_t es_fast_bytes13(uint32_t x)
{
    uint32_t r;
    __asm__("sxtb16 %0, %1, ror #8" : "=r"(r) : "r"(x));
    return r;
}

/* Bytes 0 and 2 of x sign-extended and added to the halves of `pair`. */
static inline uint32_t es_fast_add_bytes02(uint32_t pair, uint32_t x)
{
    return __sxtab16(pair, x);
}

static inline uint32_t es_fast_add_bytes13(uint32_t pair, uint32_t x)
{
    uint32_t r;
    __asm__("sxtab16 %0, %1, %2, ror #8" : "=r"(r) : "r"(pair), "r"(x));
    return r;
}

/* acc + lo(a) * hi(b) (SMLABT) and acc + hi(a) * lo(b) (SMLATB). */
static inline int32_t es_fast_mac_lo_hi(uint32_t a, uint32_t b, int32_t acc)
{
    return __smlabt((int32_t)a, (int32_t)b, acc);
}

static inline int32_t es_fast_mac_hi_lo(uint32_t a, uint32_t b, int32_t acc)
{
    return __smlatb((int32_t)a, (int32_t)b, acc);
}
#else
static inline int32_t es_fast_half(uint32_t x, int high)
{
    const uint32_t h = high ? x >> 16 : x & 0xFFFFu;
    return h >= 0x8000u ? (int32_t)h - 0x10000 : (int32_t)h;
}

static inline int32_t es_fast_dual_mac(uint32_t a, uint32_t b, int32_t acc)
{
    return acc + es_fast_half(a, 0) * es_fast_half(b, 0) + es_fast_half(a, 1) * es_fast_half(b, 1);
}

static inline int32_t es_fast_byte(uint32_t x, int k)
{
    return (int32_t)(int8_t)(uint8_t)(x >> (8 * k));
}

static inline uint32_t es_fast_bytes02(uint32_t x)
{
    return es_fast_halves(es_fast_byte(x, 0), es_fast_byte(x, 2));
}

static inline uint32_t es_fast_bytes13(uint32_t x)
{
    return es_fast_halves(es_fast_byte(x, 1), es_fast_byte(x, 3));
}

static inline uint32_t es_fast_add_bytes02(uint32_t pair, uint32_t x)
{
    return es_fast_halves(es_fast_half(pair, 0) + es_fast_byte(x, 0),
                          es_fast_half(pair, 1) + es_fast_byte(x, 2));
}

static inline uint32_t es_fast_add_bytes13(uint32_t pair, uint32_t x)
{
    return es_fast_halves(es_fast_half(pair, 0) + es_fast_byte(x, 1),
                          es_fast_half(pair, 1) + es_fast_byte(x, 3));
}

static inline int32_t es_fast_mac_lo_hi(uint32_t a, uint32_t b, int32_t acc)
{
    return acc + es_fast_half(a, 0) * es_fast_half(b, 1);
}

static inline int32_t es_fast_mac_hi_lo(uint32_t a, uint32_t b, int32_t acc)
{
    return acc + es_fast_half(a, 1) * es_fast_half(b, 0);
}
#endif

/* v in both 16-bit halves. */
static inline uint32_t es_fast_pair(int32_t v)
{
    return ((uint32_t)v & 0xFFFFu) * 0x10001u;
}

#include "es_nn_fast_output.h"

#if ES_FAST_INTRINSICS
/* (lo(even), lo(odd)) and (hi(even), hi(odd)): one PKHBT, one PKHTB. */
static inline uint32_t es_fast_pack_lo(uint32_t even, uint32_t odd)
{
    uint32_t r;
    __asm__("pkhbt %0, %1, %2, lsl #16" : "=r"(r) : "r"(even), "r"(odd));
    return r;
}

static inline uint32_t es_fast_pack_hi(uint32_t even, uint32_t odd)
{
    uint32_t r;
    __asm__("pkhtb %0, %1, %2, asr #16" : "=r"(r) : "r"(odd), "r"(even));
    return r;
}
#else
static inline uint32_t es_fast_pack_lo(uint32_t even, uint32_t odd)
{
    return (even & 0xFFFFu) | (odd << 16);
}

static inline uint32_t es_fast_pack_hi(uint32_t even, uint32_t odd)
{
    return (even >> 16) | (odd & 0xFFFF0000u);
}
#endif

/* The width n of a clamp [min, max] that is the signed range -2^(n-1) .. 2^(n-1) - 1 one
 * SSAT makes (8: int8; 4 and 2: the low-bit outputs of a QuantMCU branch), else 0. */
static inline int es_fast_ssat_bits(int32_t min, int32_t max)
{
    return min == -128 && max == 127 ? 8
           : min == -8 && max == 7   ? 4
           : min == -2 && max == 1   ? 2
                                     : 0;
}

/*
 * Whether a clamp makes the sign's -1 of es_fast_short_value2 moot: with a minimum at or
 * above the output offset. The -1 only lowers values of negative accumulators, and there
 * the value without it is at most the offset already (the multiply of a negative
 * accumulator is below 1 after the rounding constant, so it adds at most 0 to
 * 2^(right-1) + offset * 2^right), which the clamp lifts to its minimum either way. The
 * common case: every ReLU-like activation, and the low-bit outputs of a QuantMCU branch.
 */
static inline int es_fast_sign_is_moot(int32_t act_min, int32_t output_offset)
{
    return act_min >= output_offset;
}

/* |input_offset| small enough for input + offset to fit an int16 half. */
static inline int es_fast_offset_fits(int32_t input_offset)
{
    return input_offset >= -32640 && input_offset <= 32640;
}

#ifdef __cplusplus
}
#endif

#endif /* ES_NN_FAST_H */
