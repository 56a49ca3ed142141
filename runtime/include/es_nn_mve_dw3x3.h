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

#endif /* ES_MVE */

#endif /* ES_NN_MVE_DW3X3_H */
