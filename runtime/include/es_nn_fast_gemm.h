/*
 * edgesmith C runtime: the dot-product blocks of the fast int8 conv2d
 * (runtime/kernels/fast/es_conv2d_s8.c): two int16 columns (two output
 * pixels' windows, input offset added) against int8 weight rows as stored.
 */
#ifndef ES_NN_FAST_GEMM_H
#define ES_NN_FAST_GEMM_H

#include "es_nn_fast.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * acc[2 * i + j] += column i . weight row j, over `depth` values. The second
 * column and row start `depth` after the first (cols is one buffer, filter
 * rows are contiguous), so one offset register addresses both.
 */
static inline void es_fast_block_2x2(const int16_t *col0, const int8_t *w0, int32_t depth,
                                     int32_t acc[4])
{
    const int16_t *col1 = col0 + depth;
    const int8_t *w1 = w0 + depth;
    int32_t a00 = acc[0], a01 = acc[1], a10 = acc[2], a11 = acc[3];
    int32_t k = 0;
#if ES_FAST_INTRINSICS
    if (depth >= 4) {
        /* The loop in assembly: GCC spills two of its 14 live registers (1.44 instr/MAC);
         * this is 20 instructions per 16 MACs. Per group of 4: x02, x13 of column 0, y of
         * column 1 (bytes 0/2 first, then 1/3), weight words wa, wb; SXTB16 splits them. */
        const int16_t *x = col0;
        const int8_t *w = w0;
        const int8_t *end = w0 + (depth & ~3);
        uint32_t x02, x13, y, wa, wb, t;
        __asm__ volatile(
            "1:\n\t"
            "ldr %[y], [%[x], %[d], lsl #1]\n\t"
            "ldr %[x02], [%[x]], #4\n\t"
            "ldr %[x13], [%[x]], #4\n\t"
            "ldr %[wb], [%[w], %[d]]\n\t"
            "ldr %[wa], [%[w]], #4\n\t"
            "sxtb16 %[t], %[wa]\n\t"
            "smlad %[a00], %[x02], %[t], %[a00]\n\t"
            "smlad %[a10], %[y], %[t], %[a10]\n\t"
            "sxtb16 %[t], %[wb]\n\t"
            "smlad %[a01], %[x02], %[t], %[a01]\n\t"
            "smlad %[a11], %[y], %[t], %[a11]\n\t"
            "sub %[t], %[x], #4\n\t"
            "ldr %[y], [%[t], %[d], lsl #1]\n\t"
            "sxtb16 %[wa], %[wa], ror #8\n\t"
            "smlad %[a00], %[x13], %[wa], %[a00]\n\t"
            "smlad %[a10], %[y], %[wa], %[a10]\n\t"
            "sxtb16 %[wb], %[wb], ror #8\n\t"
            "smlad %[a01], %[x13], %[wb], %[a01]\n\t"
            "smlad %[a11], %[y], %[wb], %[a11]\n\t"
            "cmp %[w], %[end]\n\t"
            "bne 1b\n\t"
            : [a00] "+r"(a00), [a01] "+r"(a01), [a10] "+r"(a10), [a11] "+r"(a11),
              [x] "+r"(x), [w] "+r"(w), [x02] "=&r"(x02), [x13] "=&r"(x13), [y] "=&r"(y),
              [wa] "=&r"(wa), [wb] "=&r"(wb), [t] "=&r"(t)
            : [d] "r"(depth), [end] "r"(end)
            : "cc", "memory");
    }
    k = depth & ~3;
#elif ES_FAST_DSP
    for (; k + 4 <= depth; k += 4) { /* the same steps in C (the host's DSP-order test build) */
        const uint32_t wa = es_fast_load32(w0 + k), wb = es_fast_load32(w1 + k);
        const uint32_t x02 = es_fast_load32(col0 + k), x13 = es_fast_load32(col0 + k + 2);
        const uint32_t y02 = es_fast_load32(col1 + k), y13 = es_fast_load32(col1 + k + 2);
        a00 = es_fast_dual_mac(x02, es_fast_bytes02(wa), a00);
        a00 = es_fast_dual_mac(x13, es_fast_bytes13(wa), a00);
        a01 = es_fast_dual_mac(x02, es_fast_bytes02(wb), a01);
        a01 = es_fast_dual_mac(x13, es_fast_bytes13(wb), a01);
        a10 = es_fast_dual_mac(y02, es_fast_bytes02(wa), a10);
        a10 = es_fast_dual_mac(y13, es_fast_bytes13(wa), a10);
        a11 = es_fast_dual_mac(y02, es_fast_bytes02(wb), a11);
        a11 = es_fast_dual_mac(y13, es_fast_bytes13(wb), a11);
    }
#endif
    for (; k < depth; ++k) {
        a00 += col0[k] * w0[k];
        a01 += col0[k] * w1[k];
        a10 += col1[k] * w0[k];
        a11 += col1[k] * w1[k];
    }
    acc[0] = a00;
    acc[1] = a01;
    acc[2] = a10;
    acc[3] = a11;
}

/* The column position of value k: the DSP order swaps the middle two of each whole group. */
static inline int32_t es_fast_column_position(int32_t k, int32_t depth)
{
    if (!ES_FAST_DSP || k >= (depth & ~3)) {
        return k;
    }
    return (k & ~3) | ((k & 1) << 1) | ((k >> 1) & 1);
}

/* acc[0] and acc[2] of es_fast_block_2x2 for a single weight row. */
static inline void es_fast_block_2x1(const int16_t *col0, const int8_t *w0, int32_t depth,
                                     int32_t acc[4])
{
    const int16_t *col1 = col0 + depth;
    int32_t k;
    for (k = 0; k < depth; ++k) {
        const int32_t at = es_fast_column_position(k, depth);
        acc[0] += col0[at] * w0[k];
        acc[2] += col1[at] * w0[k];
    }
}

#ifdef __cplusplus
}
#endif

#endif /* ES_NN_FAST_GEMM_H */
