/*
 * edgesmith C runtime: the Helium (MVE) GEMM of the convolution's longer windows
 * (runtime/kernels/mve/es_conv2d_s8.c), written as one assembly function: eight output
 * channels over a run of int8 columns (windows), two columns at a time.
 *
 * VMLADAVA adds into even registers only (r0 .. r12, seven of them), so the eight
 * channels of a column pair take three tail-predicated loops (DLSTP/LETP over the depth):
 * channels 0, 2, 4, then 6, 1, 3, then 5, 7, each loading the two columns' 16 bytes once
 * and a weight row's 16 bytes once per channel: 33 instructions per 256 MACs, against 40
 * with one column and four channels per loop. The sums start at the channels' terms (the
 * bias plus the input offset times the weight sum), so the requantization
 * (es_mve_requantize, shared by the two columns: one load of each constant) adds nothing
 * more; both columns are narrowed, clamped and stored as in es_mve_outputs_8. A run of
 * odd length computes its last column twice (the second store writes the same bytes).
 * In GCC's inline assembly the loops' thirteen registers cannot be pinned, hence a
 * naked function reading its arguments from a struct.
 */
#ifndef ES_NN_MVE_PW_H
#define ES_NN_MVE_PW_H

#include <stddef.h>
#include <stdint.h>

#include "es_nn_mve.h"

#if ES_MVE

/* What es_mve_gemm_8 reads and advances (offsets written into its assembly). */
typedef struct {
    const int8_t *rows[8];            /* 0: weight rows of the eight channels (past the
                                         last stored channel: any valid row) */
    const int8_t *x;                  /* 32: the next column */
    int8_t *out;                      /* 36: its eight outputs */
    int32_t depth;                    /* 40: values per column (> 0), and bytes between two */
    int32_t pitch;                    /* 44: bytes between two columns' outputs */
    int32_t columns;                  /* 48: columns left (> 0) */
    int32_t left;                     /* 52: channels stored (1 .. 8) */
    const es_mve_channels *ch;        /* 56: even channels, odd ones at ch + 1; terms in */
    const es_mve_output_stage *stage; /* 60 */
    const int8_t *x1;                 /* 64: scratch: the pair's second column */
} es_mve_gemm_args;

typedef char es_mve_gemm_args_layout[offsetof(es_mve_gemm_args, x) == 32 &&
                                             offsetof(es_mve_gemm_args, ch) == 56 &&
                                             offsetof(es_mve_gemm_args, x1) == 64 &&
                                             sizeof(es_mve_channels) == 72 &&
                                             offsetof(es_mve_channels, multiplier) == 16 &&
                                             offsetof(es_mve_output_stage, min16) == 48
                                         ? 1
                                         : -1];

/* The three loops: rows at [r12, #ra/#rb/#rc], terms at [r10, #ta/...], the depth in r11;
 * sums of column 0 in r0, r4, r8 and of column 1 in r2, r6, r10. */
#define ES_MVE_GEMM_START(ra, rb, ta, tb)                                                   \
    "ldr r1, [r12, #32]\n ldr r3, [r12, #64]\n"                                           \
    "ldr r5, [r12, #" ra "]\n ldr r7, [r12, #" rb "]\n ldr r10, [r12, #56]\n"              \
    "ldr r0, [r10, #" ta "]\n ldr r4, [r10, #" tb "]\n mov r2, r0\n mov r6, r4\n"
#define ES_MVE_GEMM_LOOP3(rc, tc)                                                          \
    "ldr r9, [r12, #" rc "]\n ldr r8, [r10, #" tc "]\n mov r10, r8\n"                      \
    "dlstp.8 lr, r11\n"                                                                    \
    "1: vldrb.8 q0, [r1], #16\n vldrb.8 q1, [r3], #16\n"                                   \
    "vldrb.8 q2, [r5], #16\n vmladava.s8 r0, q0, q2\n vmladava.s8 r2, q1, q2\n"            \
    "vldrb.8 q2, [r7], #16\n vmladava.s8 r4, q0, q2\n vmladava.s8 r6, q1, q2\n"            \
    "vldrb.8 q2, [r9], #16\n vmladava.s8 r8, q0, q2\n vmladava.s8 r10, q1, q2\n"           \
    "letp lr, 1b\n"
#define ES_MVE_GEMM_LOOP2                                                                  \
    "dlstp.8 lr, r11\n"                                                                    \
    "1: vldrb.8 q0, [r1], #16\n vldrb.8 q1, [r3], #16\n"                                   \
    "vldrb.8 q2, [r5], #16\n vmladava.s8 r0, q0, q2\n vmladava.s8 r2, q1, q2\n"            \
    "vldrb.8 q2, [r7], #16\n vmladava.s8 r4, q0, q2\n vmladava.s8 r6, q1, q2\n"            \
    "letp lr, 1b\n"
/* One parity of both columns (q of column 0, q' of column 1) requantized from the
 * channels at [r10, #base]: multiplier +16, left +32, right +48; plus the offset (q0). */
#define ES_MVE_GEMM_REQUANT(qa, qb, mul, lsh, rsh)                                          \
    "vldrw.32 q1, [r10, #" lsh "]\n vshl.s32 " qa ", " qa ", q1\n vshl.s32 " qb ", " qb   \
    ", q1\n"                                                                               \
    "vldrw.32 q1, [r10, #" mul "]\n vqrdmulh.s32 " qa ", " qa ", q1\n"                     \
    "vqrdmulh.s32 " qb ", " qb ", q1\n vldrw.32 q1, [r10, #" rsh "]\n"                     \
    "vand q2, " qa ", q1\n vshr.s32 q2, q2, #31\n vqadd.s32 " qa ", " qa ", q2\n"          \
    "vrshl.s32 " qa ", " qa ", q1\n vand q2, " qb ", q1\n vshr.s32 q2, q2, #31\n"          \
    "vqadd.s32 " qb ", " qb ", q2\n vrshl.s32 " qb ", " qb ", q1\n"                        \
    "vadd.i32 " qa ", " qa ", q0\n vadd.i32 " qb ", " qb ", q0\n"

/* es_mve_gemm_args a: every column of the run, eight channels each. Column 0's even
 * channels gather in q3, odd in q4; column 1's in q5, q6. */
static __attribute__((naked, noinline)) void es_mve_gemm_8(es_mve_gemm_args *a __attribute__((unused)))
{
    __asm__(
        "push {r4-r11, lr}\n vpush {d8-d15}\n mov r12, r0\n"
        "2: ldr r1, [r12, #32]\n ldr r3, [r12, #48]\n ldr r11, [r12, #40]\n"
        "cmp r3, #1\n ite eq\n moveq r3, r1\n addne r3, r1, r11\n str r3, [r12, #64]\n"
        /* channels 0, 2, 4 */
        ES_MVE_GEMM_START("0", "8", "0", "4") ES_MVE_GEMM_LOOP3("16", "8")
        "vmov.32 q3[0], r0\n vmov.32 q3[1], r4\n vmov.32 q3[2], r8\n"
        "vmov.32 q5[0], r2\n vmov.32 q5[1], r6\n vmov.32 q5[2], r10\n"
        /* channels 6, 1, 3 */
        ES_MVE_GEMM_START("24", "4", "12", "72") ES_MVE_GEMM_LOOP3("12", "76")
        "vmov.32 q3[3], r0\n vmov.32 q4[0], r4\n vmov.32 q4[1], r8\n"
        "vmov.32 q5[3], r2\n vmov.32 q6[0], r6\n vmov.32 q6[1], r10\n"
        /* channels 5, 7 */
        ES_MVE_GEMM_START("20", "28", "80", "84") ES_MVE_GEMM_LOOP2
        "vmov.32 q4[2], r0\n vmov.32 q4[3], r4\n vmov.32 q6[2], r2\n vmov.32 q6[3], r6\n"
        /* the output stage of both columns */
        "ldr r10, [r12, #56]\n ldr r11, [r12, #60]\n vldrw.32 q0, [r11]\n"
        ES_MVE_GEMM_REQUANT("q3", "q5", "16", "32", "48")
        ES_MVE_GEMM_REQUANT("q4", "q6", "88", "104", "120")
        "vqmovnb.s32 q7, q3\n vqmovnt.s32 q7, q4\n vqmovnb.s32 q3, q5\n vqmovnt.s32 q3, q6\n"
        "vldrw.32 q1, [r11, #48]\n vmax.s16 q7, q7, q1\n vmax.s16 q3, q3, q1\n"
        "vldrw.32 q1, [r11, #64]\n vmin.s16 q7, q7, q1\n vmin.s16 q3, q3, q1\n"
        "ldr r0, [r12, #52]\n ldr r1, [r12, #36]\n ldr r2, [r12, #44]\n ldr r3, [r12, #48]\n"
        "vctp.16 r0\n vpst\n vstrbt.16 q7, [r1]\n add r1, r1, r2\n"
        "cmp r3, #1\n beq 3f\n" /* the last column alone: stored once */
        "vpst\n vstrbt.16 q3, [r1]\n add r1, r1, r2\n subs r3, r3, #2\n beq 3f\n"
        "str r1, [r12, #36]\n str r3, [r12, #48]\n ldr r0, [r12, #64]\n"
        "ldr r11, [r12, #40]\n add r0, r0, r11\n str r0, [r12, #32]\n b 2b\n"
        "3: vpop {d8-d15}\n pop {r4-r11, pc}\n");
}

#endif /* ES_MVE */

#endif /* ES_NN_MVE_PW_H */
