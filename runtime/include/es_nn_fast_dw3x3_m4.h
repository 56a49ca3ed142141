/*
 * edgesmith C runtime: the band loop of the 3x3 depthwise planes
 * (es_nn_fast_dw3x3.h) written out for the Cortex-M4's DSP instructions, for
 * outputs with the int8 clamp. Included by es_nn_fast_dw3x3.h after the types
 * it reads (es_dw3x3_geometry, es_dw3x3_channel); on other targets it is empty
 * and the C loop of that header runs.
 */
#ifndef ES_NN_FAST_DW3X3_M4_H
#define ES_NN_FAST_DW3X3_M4_H

#include "es_nn_fast.h"

#ifdef __cplusplus
extern "C" {
#endif

#if ES_FAST_INTRINSICS
/*
 * What the band loop of es_dw3x3_band_dsp keeps on the stack: its 14
 * registers hold the three line pointers, the output pointer, the six
 * weight pairs and four temporaries; everything read once per output or
 * once per line comes from here.
 */
typedef struct {
    int32_t bias, multiplier, round, right, dst_x, line_bytes, rows_step, dst_line;
    int32_t pairs, singles, lines, min, max;
    const int16_t *rows;
    int8_t *dst, *end;
} es_dw3x3_frame;

/*
 * es_dw3x3_band_body for stride 1 along the lines (pairs of outputs, then the
 * odd one) or stride 2 (single outputs), in one pass written out for the M4:
 * per pair 3 LDRD, 12 multiplies and 17 output-stage instructions
 * (es_fast_short_value2: SMMLAR adds the rounding constant, the accumulator's
 * sign stands in for x's). Four loops from one text (es_nn_fast_dw3x3_m4_band.h):
 * es_dw3x3_band_dsp for the int8 clamp (one SSAT), _s4 and _s2 for the signed
 * 4- and 2-bit ranges (one SSAT each), es_dw3x3_band_dsp_range for any other
 * [min, max] (a narrower activation: two compares), which would otherwise take
 * the C loop.
 */
#define ES_DW3X3_BAND es_dw3x3_band_dsp
#define ES_DW3X3_SAT(v, tmp) "ssat %[" v "], #8, %[" v "]\n\t"
#define ES_DW3X3_RIGHT_AGAIN ""
#include "es_nn_fast_dw3x3_m4_band.h"
#undef ES_DW3X3_BAND
#undef ES_DW3X3_SAT
#undef ES_DW3X3_RIGHT_AGAIN

/* the clamps of 4- and 2-bit outputs (a QuantMCU low-bit branch): one SSAT too */
#define ES_DW3X3_BAND es_dw3x3_band_dsp_s4
#define ES_DW3X3_SAT(v, tmp) "ssat %[" v "], #4, %[" v "]\n\t"
#define ES_DW3X3_RIGHT_AGAIN ""
#include "es_nn_fast_dw3x3_m4_band.h"
#undef ES_DW3X3_BAND
#undef ES_DW3X3_SAT
#undef ES_DW3X3_RIGHT_AGAIN

#define ES_DW3X3_BAND es_dw3x3_band_dsp_s2
#define ES_DW3X3_SAT(v, tmp) "ssat %[" v "], #2, %[" v "]\n\t"
#define ES_DW3X3_RIGHT_AGAIN ""
#include "es_nn_fast_dw3x3_m4_band.h"
#undef ES_DW3X3_BAND
#undef ES_DW3X3_SAT
#undef ES_DW3X3_RIGHT_AGAIN

#define ES_DW3X3_BAND es_dw3x3_band_dsp_range
#define ES_DW3X3_SAT(v, tmp)                                                             \
    "ldr %[" tmp "], %[min]\n\t"                                                        \
    "cmp %[" v "], %[" tmp "]\n\t"                                                      \
    "it lt\n\t"                                                                         \
    "movlt %[" v "], %[" tmp "]\n\t"                                                    \
    "ldr %[" tmp "], %[max]\n\t"                                                        \
    "cmp %[" v "], %[" tmp "]\n\t"                                                      \
    "it gt\n\t"                                                                         \
    "movgt %[" v "], %[" tmp "]\n\t"
/* the first output's clamp used the register that held the shift */
#define ES_DW3X3_RIGHT_AGAIN "ldr %[acc0], %[right]\n\t"
#include "es_nn_fast_dw3x3_m4_band.h"
#undef ES_DW3X3_BAND
#undef ES_DW3X3_SAT
#undef ES_DW3X3_RIGHT_AGAIN
#endif

#ifdef __cplusplus
}
#endif

#endif /* ES_NN_FAST_DW3X3_M4_H */
