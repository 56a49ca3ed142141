/*
 * edgesmith C runtime: output rows of a packed 3x3 depthwise group (dilation 1, stride 1
 * or 2) of the Helium kernel (runtime/kernels/mve/es_depthwise_conv2d_s8.c), two pixels
 * per step, written as one assembly function per stride.
 *
 * The band rows hold eight bytes per pixel (es_mve_group8). Per kernel row a step loads
 * the three weights once and the input pixels the two windows need once (four at stride
 * 1, five at stride 2, instead of six), VMULLB/VMULLT multiplying the even and the odd
 * channels into the 32-bit lanes of the two pixels' accumulators (q0, q1 and q2, q3),
 * which start at the group's folded terms. The requantization (es_mve_requantize) loads
 * each constant once for both pixels; both are narrowed, clamped and stored as in
 * es_mve_outputs_8. A row of odd length computes a last pixel past its end (reading the
 * band's slack) and does not store it. Naked: the loop needs every vector register and
 * eleven general ones, more than GCC's inline assembly can be given.
 */
#ifndef ES_NN_MVE_DW3X3_H
#define ES_NN_MVE_DW3X3_H

#include <stddef.h>
#include <stdint.h>

#include "es_nn.h"
#include "es_nn_mve.h"
#include "es_nn_mve_dw.h"

#if ES_MVE

/* Bytes a step may read past a band row's last pixel (a second pixel past the end). */
#define ES_MVE_DW3X3_SLACK 48

/* What the row functions read (offsets written into their assembly). */
typedef struct {
    const int8_t *r0, *r1, *r2;       /* 0, 4, 8: the band rows of the row's first pixel */
    int8_t *out;                      /* 12: its eight outputs */
    int32_t pitch;                    /* 16: bytes between two pixels' outputs */
    int32_t count;                    /* 20: pixels (> 0) */
    const es_mve_group8 *g;           /* 24: channels (even, odd), folded terms, weights */
    const es_mve_output_stage *stage; /* 28 */
    const int8_t *weights;            /* 32: the group's packed weights */
} es_mve_dw3x3_row;

typedef char es_mve_dw3x3_layout[offsetof(es_mve_dw3x3_row, g) == 24 &&
                                         offsetof(es_mve_group8, odd) == 72 &&
                                         offsetof(es_mve_group8, even_folded) == 144 &&
                                         offsetof(es_mve_dw3x3_row, weights) == 32 &&
                                         offsetof(es_mve_group8, odd_folded) == 160
                                     ? 1
                                     : -1];

/* acc (even, odd) += x * w, eight 16-bit lanes each into two parities of 32-bit lanes. */
#define ES_MVE_DW_MAC(e, o, x, w)                                                           \
    "vmullb.s16 q7, " x ", " w "\n vadd.i32 " e ", " e ", q7\n"                            \
    "vmullt.s16 q7, " x ", " w "\n vadd.i32 " o ", " o ", q7\n"
#define ES_MVE_DW_LD(q, base, off) "vldrb.s16 " q ", [" base ", #" off "]\n"
/* Kernel row (band row in rn, weights at r4 + w0, w1, w2), stride 1: inputs 0 .. 3. */
#define ES_MVE_DW_ROW_S1(rn, w0, w1, w2)                                                   \
    ES_MVE_DW_LD("q4", rn, "0") ES_MVE_DW_LD("q5", rn, "8") ES_MVE_DW_LD("q6", "r4", w0)   \
    ES_MVE_DW_MAC("q0", "q1", "q4", "q6") ES_MVE_DW_MAC("q2", "q3", "q5", "q6")           \
    ES_MVE_DW_LD("q6", "r4", w1) ES_MVE_DW_MAC("q0", "q1", "q5", "q6")                    \
    ES_MVE_DW_LD("q4", rn, "16") ES_MVE_DW_MAC("q2", "q3", "q4", "q6")                    \
    ES_MVE_DW_LD("q6", "r4", w2) ES_MVE_DW_MAC("q0", "q1", "q4", "q6")                    \
    ES_MVE_DW_LD("q5", rn, "24") ES_MVE_DW_MAC("q2", "q3", "q5", "q6")
/* Stride 2: the first pixel reads inputs 0, 1, 2, the second 2, 3, 4. */
#define ES_MVE_DW_ROW_S2(rn, w0, w1, w2)                                                   \
    ES_MVE_DW_LD("q6", "r4", w0) ES_MVE_DW_LD("q4", rn, "0") ES_MVE_DW_LD("q5", rn, "16")  \
    ES_MVE_DW_MAC("q0", "q1", "q4", "q6") ES_MVE_DW_MAC("q2", "q3", "q5", "q6")           \
    ES_MVE_DW_LD("q6", "r4", w2) ES_MVE_DW_MAC("q0", "q1", "q5", "q6")                    \
    ES_MVE_DW_LD("q4", rn, "32") ES_MVE_DW_MAC("q2", "q3", "q4", "q6")                    \
    ES_MVE_DW_LD("q6", "r4", w1) ES_MVE_DW_LD("q4", rn, "8") ES_MVE_DW_LD("q5", rn, "24")  \
    ES_MVE_DW_MAC("q0", "q1", "q4", "q6") ES_MVE_DW_MAC("q2", "q3", "q5", "q6")
/* One parity of both pixels (qa, qb) requantized with the channels at [r8, #...], plus
 * the offset (q4). */
#define ES_MVE_DW_REQUANT(qa, qb, mul, lsh, rsh)                                           \
    "vldrw.32 q5, [r8, #" lsh "]\n vshl.s32 " qa ", " qa ", q5\n"                          \
    "vshl.s32 " qb ", " qb ", q5\n vldrw.32 q5, [r8, #" mul "]\n"                          \
    "vqrdmulh.s32 " qa ", " qa ", q5\n vqrdmulh.s32 " qb ", " qb ", q5\n"                  \
    "vldrw.32 q5, [r8, #" rsh "]\n vand q6, " qa ", q5\n vshr.s32 q6, q6, #31\n"           \
    "vqadd.s32 " qa ", " qa ", q6\n vrshl.s32 " qa ", " qa ", q5\n"                        \
    "vand q6, " qb ", q5\n vshr.s32 q6, q6, #31\n vqadd.s32 " qb ", " qb ", q6\n"          \
    "vrshl.s32 " qb ", " qb ", q5\n vadd.i32 " qa ", " qa ", q4\n vadd.i32 " qb ", " qb   \
    ", q4\n"
/* The row function: r1, r2, r3 the band rows, r4 the weights, r5 out, r6 pitch, r7 the
 * pixels left, r8 the channels, r9 the stage, r10 the folded terms, r11 the bytes a step
 * moves along the band. */
#define ES_MVE_DW3X3_ROW_FN(name, ROW, step)                                               \
    static __attribute__((naked, noinline)) void name(                                    \
        const es_mve_dw3x3_row *a __attribute__((unused)))                                 \
    {                                                                                      \
        __asm__("push {r4-r11, lr}\n vpush {d8-d15}\n"                                     \
                "ldr r1, [r0]\n ldr r2, [r0, #4]\n ldr r3, [r0, #8]\n ldr r5, [r0, #12]\n" \
                "ldr r6, [r0, #16]\n ldr r7, [r0, #20]\n ldr r8, [r0, #24]\n"              \
                "ldr r9, [r0, #28]\n add r10, r8, #144\n"                                  \
                "ldr r4, [r0, #32]\n mov r11, #" step "\n"                                 \
                "1: vldrw.32 q0, [r10]\n vldrw.32 q1, [r10, #16]\n vmov q2, q0\n"          \
                "vmov q3, q1\n" ROW("r1", "0", "8", "16") ROW("r2", "24", "32", "40")      \
                    ROW("r3", "48", "56", "64") "vldrw.32 q4, [r9]\n"                      \
                        ES_MVE_DW_REQUANT("q0", "q2", "16", "32", "48")                    \
                            ES_MVE_DW_REQUANT("q1", "q3", "88", "104", "120")              \
                "vqmovnb.s32 q7, q0\n vqmovnt.s32 q7, q1\n vqmovnb.s32 q0, q2\n"           \
                "vqmovnt.s32 q0, q3\n vldrw.32 q5, [r9, #48]\n vmax.s16 q7, q7, q5\n"      \
                "vmax.s16 q0, q0, q5\n vldrw.32 q5, [r9, #64]\n vmin.s16 q7, q7, q5\n"     \
                "vmin.s16 q0, q0, q5\n vstrb.16 q7, [r5]\n add r5, r5, r6\n"               \
                "cmp r7, #1\n beq 2f\n vstrb.16 q0, [r5]\n add r5, r5, r6\n"               \
                "add r1, r1, r11\n add r2, r2, r11\n add r3, r3, r11\n"                    \
                "subs r7, r7, #2\n bne 1b\n"                                               \
                "2: vpop {d8-d15}\n pop {r4-r11, pc}\n");                                  \
    }

ES_MVE_DW3X3_ROW_FN(es_mve_dw3x3_row_s1, ES_MVE_DW_ROW_S1, "16")
ES_MVE_DW3X3_ROW_FN(es_mve_dw3x3_row_s2, ES_MVE_DW_ROW_S2, "32")

/* Gather offsets of two pixels' first eight bytes, `channels` (<= 248) bytes apart. */
static inline uint8x16_t es_mve_pair_offsets(int32_t channels)
{
    const uint8x16_t lane = vidupq_n_u8(0, 1);
    return vaddq_u8(vandq_u8(lane, vdupq_n_u8(7)),
                    vmulq_n_u8(vshrq_n_u8(lane, 3), (uint8_t)channels));
}

/* n pixels' first eight bytes from src (pixels `channels` bytes apart) to dst, packed:
 * two pixels per gather (es_mve_pair_offsets) in a tail-predicated loop, or one at a time
 * where the channels are too many for byte offsets. */
static inline void es_mve_band_copy(int8_t *dst, const int8_t *src, int32_t n, int32_t channels,
                                    uint8x16_t offsets)
{
    if (n <= 0) {
        return;
    }
    if (channels > 248) {
        for (; n > 0; --n, src += channels, dst += 8) {
            vstrbq_s16(dst, vldrbq_s16(src));
        }
        return;
    }
    __asm__ volatile("   dlstp.8 lr, %[bytes]\n"
                     "1: vldrb.u8 q0, [%[src], %q[off]]\n"
                     "   vstrb.8 q0, [%[dst]], #16\n"
                     "   add %[src], %[src], %[step]\n"
                     "   letp lr, 1b\n"
                     : [src] "+r"(src), [dst] "+r"(dst)
                     : [bytes] "r"(n * 8), [off] "w"(offsets), [step] "r"(2 * channels)
                     : "q0", "lr", "memory");
}

/*
 * Every output row of a packed 3x3 group (dilation 1, horizontal stride 1 or 2) from its
 * band `rows` (filled with the zero point): slot s holds input row iy with iy % 3 == s,
 * its pixel j the input column j - padding.w, the row after the slots the zero point.
 * Per output row, the input rows it newly needs are copied (in place, before the row's
 * outputs overwrite their slots) and the row function runs; the shapes stay in locals.
 */
static void es_mve_dw3x3_group(const es_dw_conv_params *p, const es_dims *in,
                               const int8_t *input, const es_mve_group8 *g,
                               const es_mve_output_stage *stage, const es_dims *out,
                               int8_t *output, int8_t *rows)
{
    const int32_t c = in->c, h = in->h, sh = p->stride.h, ph = p->padding.h, oh = out->h;
    const int32_t slot = ((out->w - 1) * p->stride.w + 3) * 8, line = in->w * c;
    const int32_t first = p->padding.w * 8 < slot ? p->padding.w : slot / 8;
    const int32_t end = (p->padding.w + in->w) * 8 < slot ? p->padding.w + in->w : slot / 8;
    const int32_t out_line = out->w * out->c;
    const uint8x16_t offsets = es_mve_pair_offsets(c);
    void (*const run)(const es_mve_dw3x3_row *) =
        p->stride.w == 1 ? es_mve_dw3x3_row_s1 : es_mve_dw3x3_row_s2;
    const int8_t *src = input + g->c;
    const int8_t *r[3];
    es_mve_dw3x3_row row;
    int32_t oy, k, next = 0;
    row.out = output + g->c;
    row.pitch = out->c;
    row.count = out->w;
    row.g = g;
    row.stage = stage;
    row.weights = g->weights;
    for (oy = 0; oy < oh; ++oy, row.out += out_line) {
        const int32_t iy = oy * sh - ph;
        for (; next <= iy + 2 && next < h; ++next, src += line) {
            es_mve_band_copy(rows + (next % 3) * slot + first * 8, src, end - first, c, offsets);
        }
        for (k = 0; k < 3; ++k) {
            r[k] = iy + k >= 0 && iy + k < h ? rows + ((iy + k) % 3) * slot : rows + 3 * slot;
        }
        row.r0 = r[0];
        row.r1 = r[1];
        row.r2 = r[2];
        run(&row);
    }
}

#endif /* ES_MVE */

#endif /* ES_NN_MVE_DW3X3_H */
