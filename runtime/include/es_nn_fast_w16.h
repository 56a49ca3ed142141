/*
 * edgesmith C runtime: the int16 weight layout of the fast kernels' `_w16`
 * entries (es_conv2d_s8_w16, es_fully_connected_s8_w16) and their dot products.
 *
 * The code generator lays the weights out offline (edgesmith.codegen.c_layouts):
 * a row of K weights becomes P = ceil(K / 2) 32-bit words, each an int16 pair
 * (value 2p in the low half, 2p + 1 in the high half, a 0 after an odd K), the
 * operand SMLAD takes as it is. Rows go in blocks of 4: block b holds, for
 * each pair p, the words of rows 4b, 4b+1, 4b+2, 4b+3; the last O % 4 rows
 * follow row by row. Row r starts at word r * P either way. The input offset
 * is folded into the bias offline, so activations enter the products raw.
 * es_conv2d_s8_w16's rows are stored doubled (its accumulators are 2 * acc:
 * es_nn_fast_conv_blocks.h), and each kernel row of an odd length W * C is
 * followed by a 0, so every kernel row starts on a pair: P = H * ceil(W * C / 2).
 */
#ifndef ES_NN_FAST_W16_H
#define ES_NN_FAST_W16_H

#include "es_nn_fast.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The low and high int16 halves of a pair word. */
static inline int32_t es_w16_lo(uint32_t v)
{
    return (int32_t)(int16_t)(uint16_t)(v & 0xFFFFu);
}

static inline int32_t es_w16_hi(uint32_t v)
{
    return (int32_t)(int16_t)(uint16_t)(v >> 16);
}

/* Weight k of row r among `rows` rows of `pairs` pairs (the plain loops' access). */
static inline int32_t es_w16_weight(const int32_t *filter, int32_t rows, int32_t pairs, int32_t r,
                                    int32_t k)
{
    const int32_t blocked = rows & ~3;
    const uint32_t word = r < blocked ? (uint32_t)filter[(r & ~3) * pairs + (k >> 1) * 4 + (r & 3)]
                                      : (uint32_t)filter[r * pairs + (k >> 1)];
    return (k & 1) ? es_w16_hi(word) : es_w16_lo(word);
}

/* lo(a) * lo(b) + hi(a) * hi(b) + acc: SMLAD with the DSP extension. */
static inline int32_t es_w16_mac(uint32_t a, uint32_t b, int32_t acc)
{
#if ES_FAST_INTRINSICS
    return es_fast_dual_mac(a, b, acc);
#else
    return acc + es_w16_lo(a) * es_w16_lo(b) + es_w16_hi(a) * es_w16_hi(b);
#endif
}

/* acc[j] = x . row j for the 4 rows of a block, over `pairs` pairs of one column. */
static inline void es_w16_block_1x4(const uint32_t *x, const int32_t *w, int32_t pairs,
                                    int32_t acc[4])
{
    int32_t a0 = 0, a1 = 0, a2 = 0, a3 = 0;
    const uint32_t *ww = (const uint32_t *)w;
#if ES_FAST_INTRINSICS
    if (pairs & 1) {
        a0 = es_w16_mac(x[0], ww[0], a0);
        a1 = es_w16_mac(x[0], ww[1], a1);
        a2 = es_w16_mac(x[0], ww[2], a2);
        a3 = es_w16_mac(x[0], ww[3], a3);
        x += 1;
        ww += 4;
    }
    if (pairs >= 2) { /* 15 instructions per 16 MACs */
        const uint32_t *end = x + (pairs & ~1);
        uint32_t xa, xb, wa, wb;
        __asm__ volatile("1:\n\t"
                         "ldrd %[xa], %[xb], [%[x]], #8\n\t"
                         "ldrd %[wa], %[wb], [%[w]], #8\n\t"
                         "smlad %[a0], %[xa], %[wa], %[a0]\n\t"
                         "smlad %[a1], %[xa], %[wb], %[a1]\n\t"
                         "ldrd %[wa], %[wb], [%[w]], #8\n\t"
                         "smlad %[a2], %[xa], %[wa], %[a2]\n\t"
                         "smlad %[a3], %[xa], %[wb], %[a3]\n\t"
                         "ldrd %[wa], %[wb], [%[w]], #8\n\t"
                         "smlad %[a0], %[xb], %[wa], %[a0]\n\t"
                         "smlad %[a1], %[xb], %[wb], %[a1]\n\t"
                         "ldrd %[wa], %[wb], [%[w]], #8\n\t"
                         "smlad %[a2], %[xb], %[wa], %[a2]\n\t"
                         "smlad %[a3], %[xb], %[wb], %[a3]\n\t"
                         "cmp %[x], %[end]\n\t"
                         "bne 1b\n\t"
                         : [a0] "+r"(a0), [a1] "+r"(a1), [a2] "+r"(a2), [a3] "+r"(a3),
                           [x] "+r"(x), [w] "+r"(ww), [xa] "=&r"(xa), [xb] "=&r"(xb),
                           [wa] "=&r"(wa), [wb] "=&r"(wb)
                         : [end] "r"(end)
                         : "cc", "memory");
    }
#else
    int32_t p;
    for (p = 0; p < pairs; ++p, ++x, ww += 4) {
        a0 = es_w16_mac(x[0], ww[0], a0);
        a1 = es_w16_mac(x[0], ww[1], a1);
        a2 = es_w16_mac(x[0], ww[2], a2);
        a3 = es_w16_mac(x[0], ww[3], a3);
    }
#endif
    acc[0] = a0;
    acc[1] = a1;
    acc[2] = a2;
    acc[3] = a3;
}

/* x . row for one row (the O % 4 rows after the blocks), x advancing `step` words a pair. */
static inline int32_t es_w16_dot(const uint32_t *x, int32_t step, const int32_t *w, int32_t pairs)
{
    int32_t acc = 0, p;
    for (p = 0; p < pairs; ++p, x += step) {
        acc = es_w16_mac(*x, (uint32_t)w[p], acc);
    }
    return acc;
}

#ifdef __cplusplus
}
#endif

#endif /* ES_NN_FAST_W16_H */
