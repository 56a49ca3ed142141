/*
 * edgesmith C runtime: Helium (MVE) inner steps of the kernels in runtime/kernels/mve
 * written in assembly, where GCC's register allocation of the intrinsics spills (hoisted
 * loads, pointers on the stack): the small-window pixel and eight-channel output stage
 * of the convolution.
 */
#ifndef ES_NN_MVE_ASM_H
#define ES_NN_MVE_ASM_H

#include <stddef.h>
#include <stdint.h>

#include "es_nn_mve.h"

#if ES_MVE

/*
 * One pixel of a small-window group in assembly (GCC spills the intrinsics' version): the
 * window (one or two vectors, predicated to the depth) dotted with the group's eight packed
 * rows by VMLADAV into even registers, the four even and the four odd channels moved into
 * the lanes of q3 and q4, requantized with the group's channels (even at ch, odd at
 * ch + 72, es_mve_channels) and the output stage (offset at st, clamp at st + 48 and 64),
 * narrowed into one store of `left` (at most eight) bytes.
 */
/* Row r of four (at byte off of base) dotted with the window into the even register s. */
#define ES_MVE_DOT16(s, base, off)                                                         \
    "vldrb.8 q2, [%[" base "], #" off "]\n vmladav.s8 %[" s "], q0, q2\n"
#define ES_MVE_DOT32(s, base, off, off2)                                                   \
    ES_MVE_DOT16(s, base, off)                                                             \
    "vldrb.8 q2, [%[" base "], #" off2 "]\n vmladava.s8 %[" s "], q1, q2\n"
/* The four sums as the lanes of q. */
#define ES_MVE_LANES(q)                                                                    \
    "vdup.32 " q ", %[s0]\n vmov.32 " q "[1], %[s1]\n vmov.32 " q "[2], %[s2]\n"           \
    "vmov.32 " q "[3], %[s3]\n"
/* Lanes of q plus their terms, requantized (es_mve_requantize), plus the offset (q0). */
#define ES_MVE_REQUANT(q, terms, multiplier, left, right)                                  \
    "vldrw.32 q5, [%[ch], #" terms "]\n vadd.i32 " q ", " q ", q5\n"                       \
    "vldrw.32 q5, [%[ch], #" left "]\n vshl.s32 " q ", " q ", q5\n"                        \
    "vldrw.32 q5, [%[ch], #" multiplier "]\n vqrdmulh.s32 " q ", " q ", q5\n"              \
    "vldrw.32 q5, [%[ch], #" right "]\n vand q6, " q ", q5\n vshr.s32 q6, q6, #31\n"       \
    "vqadd.s32 " q ", " q ", q6\n vrshl.s32 " q ", " q ", q5\n vadd.i32 " q ", " q ", q0\n"
/* Both parities requantized, narrowed, clamped and stored (es_mve_outputs_8). */
#define ES_MVE_SMALL_OUTPUT                                                                \
    "vldrw.32 q0, [%[st]]\n" ES_MVE_REQUANT("q3", "0", "16", "32", "48")                   \
        ES_MVE_REQUANT("q4", "72", "88", "104", "120")                                     \
    "vqmovnb.s32 q7, q3\n vqmovnt.s32 q7, q4\n vldrw.32 q5, [%[st], #48]\n"                \
    "vmax.s16 q7, q7, q5\n vldrw.32 q5, [%[st], #64]\n vmin.s16 q7, q7, q5\n"              \
    "vctp.16 %[left]\n vpst\n vstrbt.16 q7, [%[out]]\n"
#define ES_MVE_SMALL_PIXEL_16                                                              \
    "vctp.8 %[depth]\n vpst\n vldrbt.8 q0, [%[x]]\n" ES_MVE_DOT16("s0", "w", "0")          \
        ES_MVE_DOT16("s1", "w", "16") ES_MVE_DOT16("s2", "w", "32")                        \
            ES_MVE_DOT16("s3", "w", "48") ES_MVE_LANES("q3") ES_MVE_DOT16("s0", "w2", "0") \
                ES_MVE_DOT16("s1", "w2", "16") ES_MVE_DOT16("s2", "w2", "32")              \
                    ES_MVE_DOT16("s3", "w2", "48") ES_MVE_LANES("q4") ES_MVE_SMALL_OUTPUT
#define ES_MVE_SMALL_PIXEL_32                                                              \
    "vctp.8 %[depth]\n vpst\n vldrbt.8 q0, [%[x]]\n"                                       \
    "sub %[s0], %[depth], #16\n vctp.8 %[s0]\n vpst\n vldrbt.8 q1, [%[x], #16]\n"          \
        ES_MVE_DOT32("s0", "w", "0", "16") ES_MVE_DOT32("s1", "w", "32", "48")             \
            ES_MVE_DOT32("s2", "w", "64", "80") ES_MVE_DOT32("s3", "w", "96", "112")       \
                ES_MVE_LANES("q3") ES_MVE_DOT32("s0", "w2", "0", "16")                     \
                    ES_MVE_DOT32("s1", "w2", "32", "48") ES_MVE_DOT32("s2", "w2", "64", "80") \
                        ES_MVE_DOT32("s3", "w2", "96", "112") ES_MVE_LANES("q4")           \
                            ES_MVE_SMALL_OUTPUT

/* The layouts the assembly reads (C99: a negative array size fails the build). */
typedef char es_mve_channels_layout[offsetof(es_mve_channels, terms) == 0 &&
                                            offsetof(es_mve_channels, multiplier) == 16 &&
                                            offsetof(es_mve_channels, left) == 32 &&
                                            offsetof(es_mve_channels, right) == 48 &&
                                            sizeof(es_mve_channels) == 72
                                        ? 1
                                        : -1];
typedef char es_mve_stage_layout[offsetof(es_mve_output_stage, offset) == 0 &&
                                         offsetof(es_mve_output_stage, min16) == 48 &&
                                         offsetof(es_mve_output_stage, max16) == 64
                                     ? 1
                                     : -1];

#endif /* ES_MVE */

#endif /* ES_NN_MVE_ASM_H */
