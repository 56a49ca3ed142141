/*
 * edgesmith C runtime: the four clamps of the M4 band loop (es_nn_fast_dw3x3_m4.h), each
 * one function from the text of es_nn_fast_dw3x3_m4_band.h; included once with the
 * stage's sign, once without, and once for the one-multiply stage, ES_DW3X3_SIGN,
 * ES_DW3X3_RIGHT, ES_DW3X3_SHIFT and ES_DW3X3_NAMED(name) defined to tell them apart. No
 * include guard: it is meant to be read more than once.
 */
#define ES_DW3X3_BAND ES_DW3X3_NAMED(es_dw3x3_band_dsp)
#define ES_DW3X3_SAT(v, tmp) "ssat %[" v "], #8, %[" v "]\n\t"
#define ES_DW3X3_RIGHT_AGAIN ""
#include "es_nn_fast_dw3x3_m4_band.h"
#undef ES_DW3X3_BAND
#undef ES_DW3X3_SAT
#undef ES_DW3X3_RIGHT_AGAIN

#if ES_FAST_LOW_BIT_LOOPS
/* the clamps of 4- and 2-bit outputs (a QuantMCU low-bit branch): one SSAT too */
#define ES_DW3X3_BAND ES_DW3X3_NAMED(es_dw3x3_band_dsp_s4)
#define ES_DW3X3_SAT(v, tmp) "ssat %[" v "], #4, %[" v "]\n\t"
#define ES_DW3X3_RIGHT_AGAIN ""
#include "es_nn_fast_dw3x3_m4_band.h"
#undef ES_DW3X3_BAND
#undef ES_DW3X3_SAT
#undef ES_DW3X3_RIGHT_AGAIN

#define ES_DW3X3_BAND ES_DW3X3_NAMED(es_dw3x3_band_dsp_s2)
#define ES_DW3X3_SAT(v, tmp) "ssat %[" v "], #2, %[" v "]\n\t"
#define ES_DW3X3_RIGHT_AGAIN ""
#include "es_nn_fast_dw3x3_m4_band.h"
#undef ES_DW3X3_BAND
#undef ES_DW3X3_SAT
#undef ES_DW3X3_RIGHT_AGAIN

#endif

#define ES_DW3X3_BAND ES_DW3X3_NAMED(es_dw3x3_band_dsp_range)
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
#define ES_DW3X3_RIGHT_AGAIN ES_DW3X3_RIGHT("acc0")
#include "es_nn_fast_dw3x3_m4_band.h"
#undef ES_DW3X3_BAND
#undef ES_DW3X3_SAT
#undef ES_DW3X3_RIGHT_AGAIN
