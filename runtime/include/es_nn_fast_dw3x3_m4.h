/*
 * edgesmith C runtime: the band loop of the 3x3 depthwise planes
 * (es_nn_fast_dw3x3.h) written out for the Cortex-M4's DSP instructions.
 * Included by es_nn_fast_dw3x3.h after the types it reads (es_dw3x3_geometry,
 * es_dw3x3_channel); on other targets it is empty and the C loop of that
 * header runs.
 */
#ifndef ES_NN_FAST_DW3X3_M4_H
#define ES_NN_FAST_DW3X3_M4_H

#include <stddef.h>

#include "es_nn_fast.h"

#ifdef __cplusplus
extern "C" {
#endif

#if ES_FAST_INTRINSICS
/* One call of the band loop: `channels` planes plane_stride values apart, their table rows. */
typedef struct {
    const int16_t *rows;
    int32_t line_stride;
    const es_dw3x3_geometry *g;
    const es_dw3x3_channel *table;
    int32_t channels, plane_stride, out_lines;
    int8_t *dst;
    int32_t min, max;
} es_dw3x3_group_args;

/*
 * What the band loop keeps in memory: its 14 registers hold the three line
 * pointers, the output pointer, the six weight pairs and four temporaries. The
 * output and line loops read the first fields as memory operands (one LDR
 * each); the once-per-channel setup reads the rest through `self` at the byte
 * offsets the loop's text names (checked below), since an asm statement takes
 * at most 30 operands.
 */
typedef struct {
    int32_t bias, multiplier, round, right; /* the current channel's (copied from its row) */
    int32_t dst_x, min, max;
    int8_t *end;
    const void *self;
    int32_t pair_span, single_span; /* bytes of output a line's pairs and odd output take */
    int32_t row_gap, dst_gap;       /* from where a line's pointers end to the next line */
    int32_t lines;                  /* left in the current channel */
    const int16_t *plane;           /* the next channel's plane (offset 56) */
    int32_t plane_bytes;
    int8_t *chan_dst;               /* the next channel's first output */
    const es_dw3x3_channel *table;  /* the next channel's row (offset 68) */
    int32_t channels, out_lines, line_bytes, step2; /* (step2 at offset 84) */
} es_dw3x3_frame;

#define ES_DW3X3_OFFSETS_ARE(at_plane, at_table, at_step2)                              \
    (offsetof(es_dw3x3_frame, plane) == (at_plane) &&                                   \
     offsetof(es_dw3x3_frame, table) == (at_table) &&                                   \
     offsetof(es_dw3x3_frame, step2) == (at_step2) && sizeof(void *) == 4)
/* the text's offsets hold on the 32-bit targets it is built for */
typedef char es_dw3x3_frame_layout[ES_DW3X3_OFFSETS_ARE(56, 68, 84) ? 1 : -1];

/*
 * es_dw3x3_band_body for stride 1 or 2 along the lines, over `channels`
 * channels, in one pass written out for the M4. Per pair of outputs 3 LDRD (and
 * 3 LDR at stride 2, where the middle pair serves both), 12 multiplies and 17
 * output-stage instructions (es_fast_short_value2: SMMLAR adds the rounding
 * constant, the accumulator's sign stands in for x's); per channel its row of
 * the table is loaded once (weights into registers, the stage into the frame).
 * Four loops from one text (es_nn_fast_dw3x3_m4_band.h): es_dw3x3_band_dsp for
 * the int8 clamp (one SSAT), _s4 and _s2 for the signed 4- and 2-bit ranges
 * (one SSAT each), es_dw3x3_band_dsp_range for any other [min, max] (a narrower
 * activation: two compares), which would otherwise take the C loop; each also as _floor,
 * without the stage's sign (es_nn_fast_dw3x3_m4_clamps.h).
 */
/* with the sign's ADD (es_fast_short_value2), then without it where the clamp makes it
 * moot (es_fast_sign_is_moot): the _floor functions, one ADD less per output; then the
 * one-multiply stage of a QuantMCU low-bit branch's tables (_1m: no shift either) */
#define ES_DW3X3_RIGHT(reg) "ldr %[" reg "], %[right]\n\t"
#define ES_DW3X3_SHIFT(reg) "asr %[hi], %[hi], %[" reg "]\n\t"
#define ES_DW3X3_SIGN(acc) "add %[hi], %[hi], %[" acc "], asr #31\n\t"
#define ES_DW3X3_NAMED(name) name
#include "es_nn_fast_dw3x3_m4_clamps.h"
#undef ES_DW3X3_SIGN
#undef ES_DW3X3_NAMED
#define ES_DW3X3_SIGN(acc) ""
#define ES_DW3X3_NAMED(name) name##_floor
#include "es_nn_fast_dw3x3_m4_clamps.h"
#undef ES_DW3X3_NAMED
#undef ES_DW3X3_RIGHT
#undef ES_DW3X3_SHIFT
#if ES_FAST_LOW_BIT_LOOPS
#define ES_DW3X3_RIGHT(reg) ""
#define ES_DW3X3_SHIFT(reg) ""
#define ES_DW3X3_NAMED(name) name##_1m
#include "es_nn_fast_dw3x3_m4_clamps.h"
#undef ES_DW3X3_NAMED
#undef ES_DW3X3_RIGHT
#undef ES_DW3X3_SHIFT
#endif
#undef ES_DW3X3_SIGN
#endif

#ifdef __cplusplus
}
#endif

#endif /* ES_NN_FAST_DW3X3_M4_H */
