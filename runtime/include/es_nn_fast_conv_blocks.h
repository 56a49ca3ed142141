/*
 * edgesmith C runtime: the 2x4 blocks of es_conv2d_s8_w16 with their output
 * stage, for runs of blocks of 4 output channels whose 4 channels all take the
 * short stage (the common case: es_conv_block_prepare), clamped by SSAT.
 *
 * The conv rows are laid out doubled (edgesmith.codegen.c_layouts), and the
 * accumulators start at the doubled folded bias, so a block's dot products end
 * as 2 * acc, the operand es_fast_short_value2 takes: per output SMMLAR (the
 * rounding constant added in the multiply), one ADD with the sign, ASR, SSAT,
 * STRB. On the M4 one function runs every block of a pixel pair in assembly:
 * the 2x4 loop four pairs at a time (entered by TBB for the pairs % 4 left),
 * then the 8 outputs straight from the accumulators, with no round trip
 * through memory. Elsewhere a C twin computes the same integers. Variants per
 * layer: _floor drops the sign's ADD where the clamp makes it moot
 * (es_fast_sign_is_moot), _1m runs the one-multiply stage (SMMLAR, SSAT) of
 * layers whose rows are stored times S (es_fast_one_multiply).
 */
#ifndef ES_NN_FAST_CONV_BLOCKS_H
#define ES_NN_FAST_CONV_BLOCKS_H

#include "es_nn_fast.h"
#include "es_nn_fast_w16.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Output channels es_conv2d_s8_w16 prepares stages for at once (a table on the stack,
 * 16 blocks of 64 bytes). */
#define ES_FAST_CONV_CHUNK 64

/* One block's stage: the 4 doubled biases, then multiplier, round, right per channel. */
typedef struct {
    int32_t bias2[4];
    int32_t stage[4][3];
} es_conv_block_stage;

/*
 * One channel's constants (multiplier, round, right) for es_fast_short_value2 with the
 * int8 clamp, from the bound of |acc| (the dot products' bound plus |bias|); 0 where the
 * channel needs the general stage. The short form holds for any right shift 1..31 as long
 * as x + round cannot leave int32 (|x| <= |acc| for a multiplier below 2^31), checked here
 * on the real numbers. Where every requantized value is 0 (a zero multiplier, or |acc|
 * below 2^(right-1)) the output is the offset, and where both ends of acc's range
 * requantize and clamp to one value (the dead channels of a trained model) it is that
 * value: multiplier 0, right 1 and round 2 * value + 1, which the sign's -1 does not change.
 */
static inline int es_conv_channel_stage(int32_t multiplier, int32_t shift, int32_t bias,
                                        int64_t dot_bound, int32_t output_offset, int32_t *out)
{
    const int64_t bound = dot_bound + (bias < 0 ? -(int64_t)bias : bias);
    const int32_t right = -shift;
    int64_t round;
    if (multiplier < 0 || right < 0 || right > 31 || output_offset < -(1 << 28) ||
        output_offset >= (1 << 28)) {
        return 0;
    }
    if (bound >= ((int64_t)1 << 29) || right == 0) {
        /* the output may still be one value: the requantization rises with acc, so the
         * ends of acc's range decide (a dead channel's bias of -2^30 clamps every output) */
        int32_t lo, hi;
        if (bound >= ((int64_t)1 << 31)) {
            return 0;
        }
        lo = es_multiply_by_quantized_multiplier(bias - (int32_t)dot_bound, multiplier, shift);
        hi = es_multiply_by_quantized_multiplier(bias + (int32_t)dot_bound, multiplier, shift);
        lo = es_clamp_to_s8(lo + output_offset, (es_activation){-128, 127});
        hi = es_clamp_to_s8(hi + output_offset, (es_activation){-128, 127});
        if (lo != hi) {
            return 0;
        }
        out[0] = 0;
        out[1] = 2 * lo + 1;
        out[2] = 1;
        return 1;
    }
    if (multiplier == 0 || bound < ((int64_t)1 << (right - 1))) {
        out[0] = 0;
        out[1] = 2 * output_offset + 1;
        out[2] = 1;
        return 1;
    }
    round = ((int64_t)1 << (right - 1)) + (int64_t)output_offset * ((int64_t)1 << right);
    if ((round < 0 ? -round : round) + bound + 1 >= ((int64_t)1 << 31)) {
        return 0;
    }
    out[0] = multiplier;
    out[1] = (int32_t)round;
    out[2] = right;
    return 1;
}

/* The stage of block channels oc .. oc + 3 (bias: the folded biases, undoubled); 0 where
 * one of them needs another stage. The blocks clamp to a signed range of 8, 4 or 2 bits
 * (es_fast_ssat_bits); a layer with another clamp narrows their int8 outputs after them
 * (es_conv_clamp_outputs): clamping an int8-clamped value to a range inside int8 is
 * clamping the value itself. */
static inline int es_conv_block_prepare(const es_conv_params *p,
                                        const es_per_channel_quant_params *quant,
                                        const int32_t *bias, int64_t dot_bound, int32_t oc,
                                        es_conv_block_stage *b)
{
    int32_t j;
    for (j = 0; j < 4; ++j) {
        if (!es_conv_channel_stage(quant->multiplier[oc + j], quant->shift[oc + j],
                                   bias[oc + j], dot_bound, p->output_offset, b->stage[j])) {
            return 0;
        }
        /* |bias| < 2^29 where the stage reads the accumulator; a constant channel (multiplier
         * 0) ignores it, and its bias may be as large as a dead channel's -2^30 */
        b->bias2[j] = b->stage[j][0] == 0 ? 0 : 2 * bias[oc + j];
    }
    return 1;
}

/* One block's stage from a one-multiply table (three words a channel: start, multiplier,
 * constant), right 0 marking the stage. */
static inline void es_conv_block_one_multiply(const int32_t *table, int32_t oc,
                                              es_conv_block_stage *b)
{
    int32_t j;
    for (j = 0; j < 4; ++j) {
        b->bias2[j] = table[3 * (oc + j)];
        b->stage[j][0] = table[3 * (oc + j) + 1];
        b->stage[j][1] = table[3 * (oc + j) + 2];
        b->stage[j][2] = 0;
    }
}

/* n int8 outputs clamped to [lo, hi]: four a word on a DSP core (SSUB8 sets the byte
 * lanes' GE flags, SEL picks), the rest one by one. */
static inline void es_conv_clamp_outputs(int8_t *out, int32_t n, es_activation a)
{
    int32_t k = 0;
#if ES_FAST_INTRINSICS
    const uint32_t lo = 0x01010101u * (uint8_t)a.min, hi = 0x01010101u * (uint8_t)a.max;
    for (; k + 4 <= n; k += 4) {
        uint32_t v = es_fast_load32(out + k), t;
        /* SEL takes v's byte where the SSUB8 before it left GE set: max(v, lo), min(v, hi) */
        __asm__("ssub8 %[t], %[v], %[lo]\n\t"
                "sel %[v], %[v], %[lo]\n\t"
                "ssub8 %[t], %[hi], %[v]\n\t"
                "sel %[v], %[v], %[hi]"
                : [v] "+r"(v), [t] "=&r"(t)
                : [lo] "r"(lo), [hi] "r"(hi)
                : "cc");
        memcpy(out + k, &v, 4);
    }
#endif
    for (; k < n; ++k) {
        out[k] = (int8_t)(out[k] < a.min ? a.min : out[k] > a.max ? a.max : out[k]);
    }
}

#if ES_FAST_INTRINSICS
/* What the block loop reads from the stack: its 14 registers hold the 8 accumulators, the
 * two pointers and four operands. */
typedef struct {
    const uint32_t *cols, *end;
    const int32_t *w;
    const es_conv_block_stage *st, *st_end;
    int8_t *out0;
    int32_t next; /* out1 - out0 */
    int32_t rem;  /* pairs % 4: where the loop is entered */
} es_conv_blocks_frame;

/* One pair of the 2x4 loop: both pixels' pair in one LDRD, two channels' weights in another. */
#define ES_CONV_PAIR                                                                       \
    "ldrd %[xa], %[xb], [%[x]], #8\n\t"                                                    \
    "ldrd %[wa], %[wb], [%[w]], #8\n\t"                                                    \
    "smlad %[a0], %[xa], %[wa], %[a0]\n\t"                                                 \
    "smlad %[b0], %[xb], %[wa], %[b0]\n\t"                                                 \
    "smlad %[a1], %[xa], %[wb], %[a1]\n\t"                                                 \
    "smlad %[b1], %[xb], %[wb], %[b1]\n\t"                                                 \
    "ldrd %[wa], %[wb], [%[w]], #8\n\t"                                                    \
    "smlad %[a2], %[xa], %[wa], %[a2]\n\t"                                                 \
    "smlad %[b2], %[xb], %[wa], %[b2]\n\t"                                                 \
    "smlad %[a3], %[xa], %[wb], %[a3]\n\t"                                                 \
    "smlad %[b3], %[xb], %[wb], %[b3]\n\t"

/* A channel's stage constants (multiplier, round, right) from the block's stage at w; the
 * one-multiply stage has no right shift (ES_CONV_RIGHT and ES_CONV_SHIFT empty). */
#define ES_CONV_CONSTS(off)                                                                \
    "ldrd %[xa], %[xb], [%[w], #" off "]\n\t"                                              \
    ES_CONV_RIGHT(off)

/* The output of accumulator A (2 * acc) into wb: es_fast_short_value2, then the clamp to
 * ES_CONV_SSAT bits (a string: "8", "4" or "2", set for each function below). ES_CONV_SIGN
 * adds the accumulator's sign, or nothing where the clamp makes it moot (see
 * es_conv_blocks_of). */
#define ES_CONV_VALUE(A)                                                                   \
    "smmlar %[wb], %[" A "], %[xa], %[xb]\n\t"                                             \
    ES_CONV_SIGN(A)                                                                        \
    ES_CONV_SHIFT                                                                          \
    "ssat %[wb], #" ES_CONV_SSAT ", %[wb]\n\t"

/* A channel (accumulators A, B, stage at byte off): x points at pixel 0's output and moves
 * on by one, pixel 1's is at x + a0 (a0 = next - 1) after that. */
#define ES_CONV_CHANNEL(A, B, off)                                                         \
    ES_CONV_CONSTS(off)                                                                    \
    ES_CONV_VALUE(A) "strb %[wb], [%[x]], #1\n\t"                                         \
    ES_CONV_VALUE(B) "strb %[wb], [%[x], %[a0]]\n\t"

/*
 * Blocks st .. st_end - 1 of two pixels' columns (cols, `pairs` pairs interleaved as in
 * es_conv2d_s8_w16), weights from w on; outputs at out0 and out0 + next. Per block of 8
 * outputs: the loop's 11 instructions per pair (plus 3 per 4 pairs), 23 of set-up, 2 per
 * channel and 5 per output.
 */
#define ES_CONV_BLOCKS_FUNCTION(NAME)                                                         \
static ES_FAST_NOINLINE void NAME(const uint32_t *cols, int32_t pairs,                        \
                                            const int32_t *w, const es_conv_block_stage *st,  \
                                            int32_t blocks, int8_t *out0, int32_t next)       \
{                                                                                             \
    es_conv_blocks_frame f;                                                                   \
    int32_t a0, a1, a2, a3, b0, b1, b2, b3;                                                   \
    uint32_t xa, xb, wa, wb;                                                                  \
    const uint32_t *x;                                                                        \
    const int32_t *ww = (const int32_t *)st; /* w holds the stage pointer between blocks */   \
    f.cols = cols;                                                                            \
    f.end = cols + 2 * pairs;                                                                 \
    f.w = w;                                                                                  \
    f.st = st;                                                                                \
    f.st_end = st + blocks;                                                                   \
    f.out0 = out0;                                                                            \
    f.next = next - 1; /* pixel 1's output from pixel 0's next one */                         \
    f.rem = pairs & 3;                                                                        \
    __asm__ volatile(                                                                         \
        "0:\n\t"                                                                              \
        "ldrd %[a0], %[a1], [%[w]]\n\t"                                                       \
        "ldrd %[a2], %[a3], [%[w], #8]\n\t"                                                   \
        "str %[w], %[st]\n\t"                                                                 \
        "mov %[b0], %[a0]\n\t"                                                                \
        "mov %[b1], %[a1]\n\t"                                                                \
        "mov %[b2], %[a2]\n\t"                                                                \
        "mov %[b3], %[a3]\n\t"                                                                \
        "ldr %[w], %[wp]\n\t"                                                                 \
        "ldr %[x], %[cols]\n\t"                                                               \
        "ldr %[xa], %[rem]\n\t"                                                               \
        "tbb [pc, %[xa]]\n"                                                                   \
        "5:\n\t"                                                                              \
        ".byte (10f - 5b) / 2\n\t"                                                            \
        ".byte (13f - 5b) / 2\n\t"                                                            \
        ".byte (12f - 5b) / 2\n\t"                                                            \
        ".byte (11f - 5b) / 2\n\t"                                                            \
        ".p2align 1\n"                                                                        \
        "10:\n\t" ES_CONV_PAIR                                                                \
        "11:\n\t" ES_CONV_PAIR                                                                \
        "12:\n\t" ES_CONV_PAIR                                                                \
        "13:\n\t" ES_CONV_PAIR                                                                \
        "ldr %[wa], %[end]\n\t"                                                               \
        "cmp %[x], %[wa]\n\t"                                                                 \
        "bne 10b\n\t"                                                                         \
        "str %[w], %[wp]\n\t"                                                                 \
        "ldr %[w], %[st]\n\t"                                                                 \
        "ldr %[x], %[out0]\n\t"                                                               \
        /* channel 0: a0 holds pixel 1's output offset once its own output is out */          \
        ES_CONV_CONSTS("16")                                                                  \
        ES_CONV_VALUE("a0") "strb %[wb], [%[x]], #1\n\t"                                      \
        "ldr %[a0], %[next]\n\t"                                                              \
        ES_CONV_VALUE("b0") "strb %[wb], [%[x], %[a0]]\n\t"                                   \
        ES_CONV_CHANNEL("a1", "b1", "28")                                                     \
        ES_CONV_CHANNEL("a2", "b2", "40")                                                     \
        ES_CONV_CHANNEL("a3", "b3", "52")                                                     \
        "str %[x], %[out0]\n\t"                                                               \
        "add %[w], %[w], #64\n\t"                                                             \
        "ldr %[wa], %[st_end]\n\t"                                                            \
        "cmp %[w], %[wa]\n\t"                                                                 \
        "bne 0b\n\t"                                                                          \
        : [a0] "=&r"(a0), [a1] "=&r"(a1), [a2] "=&r"(a2), [a3] "=&r"(a3), [b0] "=&r"(b0),     \
          [b1] "=&r"(b1), [b2] "=&r"(b2), [b3] "=&r"(b3), [x] "=&r"(x), [w] "+r"(ww),         \
          [xa] "=&r"(xa), [xb] "=&r"(xb), [wa] "=&r"(wa), [wb] "=&r"(wb)                      \
        /* the fields the loop writes (w, st, out0) are inputs too: f is not read after it,   \
         * and the memory clobber covers the writes */                                        \
        : [cols] "m"(f.cols), [end] "m"(f.end), [wp] "m"(f.w), [st] "m"(f.st),                \
          [st_end] "m"(f.st_end), [out0] "m"(f.out0), [next] "m"(f.next), [rem] "m"(f.rem)    \
        : "cc", "memory");                                                                    \
    (void)a0, (void)a1, (void)a2, (void)a3, (void)b0, (void)b1, (void)b2, (void)b3;           \
    (void)x, (void)ww, (void)xa, (void)xb, (void)wa, (void)wb;                                \
}

/* One function per SSAT width, with the sign and without (_floor), and with the one-multiply
 * stage (_1m: SMMLAR, SSAT); es_conv_blocks_of picks one from the layer's stage and clamp. */
#define ES_CONV_RIGHT(off) "ldr %[wa], [%[w], #" off "+8]\n\t"
#define ES_CONV_SHIFT "asr %[wb], %[wb], %[wa]\n\t"
#define ES_CONV_SIGN(A) "add %[wb], %[wb], %[" A "], asr #31\n\t"
#define ES_CONV_SSAT "8"
ES_CONV_BLOCKS_FUNCTION(es_conv_blocks_s8)
#undef ES_CONV_SSAT
#if ES_FAST_LOW_BIT_LOOPS
#define ES_CONV_SSAT "4"
ES_CONV_BLOCKS_FUNCTION(es_conv_blocks_s4)
#undef ES_CONV_SSAT
#define ES_CONV_SSAT "2"
ES_CONV_BLOCKS_FUNCTION(es_conv_blocks_s2)
#undef ES_CONV_SSAT
#endif
#undef ES_CONV_SIGN
#define ES_CONV_SIGN(A) ""
#define ES_CONV_SSAT "8"
ES_CONV_BLOCKS_FUNCTION(es_conv_blocks_s8_floor)
#undef ES_CONV_SSAT
#if ES_FAST_LOW_BIT_LOOPS
#define ES_CONV_SSAT "4"
ES_CONV_BLOCKS_FUNCTION(es_conv_blocks_s4_floor)
#undef ES_CONV_SSAT
#define ES_CONV_SSAT "2"
ES_CONV_BLOCKS_FUNCTION(es_conv_blocks_s2_floor)
#undef ES_CONV_SSAT
#undef ES_CONV_RIGHT
#undef ES_CONV_SHIFT
#define ES_CONV_RIGHT(off) ""
#define ES_CONV_SHIFT ""
#define ES_CONV_SSAT "8"
ES_CONV_BLOCKS_FUNCTION(es_conv_blocks_s8_1m)
#undef ES_CONV_SSAT
#define ES_CONV_SSAT "4"
ES_CONV_BLOCKS_FUNCTION(es_conv_blocks_s4_1m)
#undef ES_CONV_SSAT
#define ES_CONV_SSAT "2"
ES_CONV_BLOCKS_FUNCTION(es_conv_blocks_s2_1m)
#undef ES_CONV_SSAT
#endif
#undef ES_CONV_RIGHT
#undef ES_CONV_SHIFT
#undef ES_CONV_SIGN
#undef ES_CONV_BLOCKS_FUNCTION

typedef void (*es_conv_blocks_fn)(const uint32_t *, int32_t, const int32_t *,
                                  const es_conv_block_stage *, int32_t, int8_t *, int32_t);

/*
 * The blocks' function for a clamp of `bits` (es_fast_ssat_bits; 0: the int8 one, whose
 * outputs the caller narrows). `floored` (es_fast_sign_is_moot): the clamp's minimum is at
 * or above the output offset, so the function without the sign's ADD gives the same outputs;
 * -1: the stages are one-multiply ones (es_fast_one_multiply).
 */
static inline es_conv_blocks_fn es_conv_blocks_of(int bits, int floored)
{
#if ES_FAST_LOW_BIT_LOOPS
    if (floored < 0) { /* the one-multiply stage */
        return bits == 4 ? es_conv_blocks_s4_1m
                         : bits == 2 ? es_conv_blocks_s2_1m : es_conv_blocks_s8_1m;
    }
    if (floored) {
        return bits == 4 ? es_conv_blocks_s4_floor
                         : bits == 2 ? es_conv_blocks_s2_floor : es_conv_blocks_s8_floor;
    }
    return bits == 4 ? es_conv_blocks_s4 : bits == 2 ? es_conv_blocks_s2 : es_conv_blocks_s8;
#else
    /* a one-multiply stage on the loop without the sign: its right shift of 0 is no shift */
    (void)bits;
    return floored ? es_conv_blocks_s8_floor : es_conv_blocks_s8;
#endif
}

/* Whether the blocks' outputs already lie in the clamp of `bits`. */
#if ES_FAST_LOW_BIT_LOOPS
#define ES_CONV_BLOCKS_CLAMP(bits) ((bits) != 0)
#else
#define ES_CONV_BLOCKS_CLAMP(bits) ((bits) == 8)
#endif
#undef ES_CONV_PAIR
#undef ES_CONV_CONSTS
#undef ES_CONV_VALUE
#undef ES_CONV_CHANNEL
#else
/* The same integers in C: the 2x4 dot products from the doubled biases, then the stage. */
static void es_conv_blocks(const uint32_t *cols, int32_t pairs, const int32_t *w,
                           const es_conv_block_stage *st, int32_t blocks, int8_t *out0,
                           int32_t next)
{
    int32_t b, j, p;
    for (b = 0; b < blocks; ++b, ++st, out0 += 4) {
        int32_t acc[8];
        const uint32_t *ww = (const uint32_t *)w;
        for (j = 0; j < 4; ++j) {
            acc[j] = acc[4 + j] = st->bias2[j];
        }
        for (p = 0; p < pairs; ++p, ww += 4) {
            for (j = 0; j < 4; ++j) {
                acc[j] = es_w16_mac(cols[2 * p], ww[j], acc[j]);
                acc[4 + j] = es_w16_mac(cols[2 * p + 1], ww[j], acc[4 + j]);
            }
        }
        w += 4 * pairs;
        for (j = 0; j < 4; ++j) {
            const int32_t *s = st->stage[j];
            const int32_t v0 = es_fast_table_stage(acc[j], s[0], s[1], s[2]);
            const int32_t v1 = es_fast_table_stage(acc[4 + j], s[0], s[1], s[2]);
            out0[j] = (int8_t)(v0 < -128 ? -128 : v0 > 127 ? 127 : v0);
            out0[next + j] = (int8_t)(v1 < -128 ? -128 : v1 > 127 ? 127 : v1);
        }
    }
}

typedef void (*es_conv_blocks_fn)(const uint32_t *, int32_t, const int32_t *,
                                  const es_conv_block_stage *, int32_t, int8_t *, int32_t);

/* The C twin clamps to int8 alone, with the sign always: every other clamp narrows its
 * outputs after it. */
static inline es_conv_blocks_fn es_conv_blocks_of(int bits, int floored)
{
    (void)bits, (void)floored;
    return es_conv_blocks;
}
#define ES_CONV_BLOCKS_CLAMP(bits) ((bits) == 8)
#endif

#ifdef __cplusplus
}
#endif

#endif /* ES_NN_FAST_CONV_BLOCKS_H */
