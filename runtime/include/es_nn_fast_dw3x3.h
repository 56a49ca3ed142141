/*
 * edgesmith C runtime: the 3x3 depthwise planes of the fast kernels
 * (runtime/kernels/fast/es_depthwise_conv2d_s8.c and _w16.c), for windows of
 * 3x3 with dilation 1, any stride, channels whose output stage takes the
 * short form.
 *
 * A band of a channel's padded input lines is widened once to int16 at a
 * fixed line stride (the input offset folded into the bias, the padding
 * -offset), so the three lines of a window are three pointers a stride apart
 * and nothing is checked per tap. A line is an input row, or an input column
 * where the plane is taller than wide (a 25x5 plane runs as 5 lines of 25
 * outputs, not 25 of 5: the per-line work is paid 5 times). One pass then
 * computes each output: taps (two outputs per step: per tap line one LDRD and
 * 4 multiply instructions for 6 MACs at stride 1, see ES_DW3X3_PAIR, and
 * ES_DW3X3_PAIR2 at stride 2) and the output stage, the accumulators never
 * leaving registers (written out for the M4 in es_nn_fast_dw3x3_m4.h, a C
 * loop elsewhere), channel after channel of a group. The weights and bias are
 * doubled in the channel's row (es_dw3x3_channel: offline for _w16, once per
 * channel for the int8 entry), so the accumulator is already the 2 * acc the
 * short output stage's SMMULR takes.
 */
#ifndef ES_NN_FAST_DW3X3_H
#define ES_NN_FAST_DW3X3_H

#include "es_nn_fast.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * One channel as the fused loops read it, and one row of the offline table of
 * es_depthwise_conv2d_s8_w16 (edgesmith.codegen.c_layouts_dw writes the same
 * ten words). Tap line k (across lines) and position j (along them) weigh
 * w[k][j]; w[2k] = 2 * (w[k][0], w[k][1]) and w[2k + 1] = 2 * (w[k][1], w[k][2])
 * as int16 halves (one LDRD loads a tap line's two pairs), bias = 2 * (bias +
 * offset * sum(w)) (the input offset folded; the short form's bound keeps
 * 2 * acc and every partial sum inside int32); multiplier, round and right are
 * es_fast_short's. A table whose right shifts are all 0 holds the one-multiply
 * stage instead (es_fast_one_multiply: taps times S, bias its start, multiplier
 * and round its multiplier and constant). The clamp is the call's
 * (es_activation), not the channel's.
 */
typedef struct {
    uint32_t w[6];
    int32_t bias, multiplier, round, right;
} es_dw3x3_channel;

/*
 * Where a plane's lines lie: rows (lines = output rows) or columns. The
 * src_* steps are int8 elements of the input, the dst_* steps bytes of
 * the output (the channel stride included).
 */
typedef struct {
    int32_t lines, len;        /* output lines, outputs per line */
    int32_t step_line, step_x; /* the window's stride across and along lines */
    int32_t pad_line, pad_x;   /* padding before the first input line and position */
    int32_t in_lines, in_len;  /* input lines, positions per line */
    int32_t src_line, src_x;
    int32_t dst_line, dst_x;
    int32_t offset;            /* the input offset */
    int32_t floored;           /* the clamp makes the stage's sign moot (es_fast_sign_is_moot) */
    int32_t one_multiply;      /* the table's stages are one-multiply ones (right 0) */
    int32_t columns;           /* lines are columns: w[k][j] is the filter's tap (j, k) */
    int32_t line_stride, band, used; /* es_dw3x3_layout */
} es_dw3x3_geometry;

/* The geometry of a call: its lines are columns where the output is taller than wide. */
static inline es_dw3x3_geometry es_dw3x3_geometry_of(const es_dw_conv_params *p,
                                                     const es_dims *in, const es_dims *out,
                                                     int32_t stride)
{
    es_dw3x3_geometry g;
    const int columns = out->h > out->w;
    g.lines = columns ? out->w : out->h;
    g.len = columns ? out->h : out->w;
    g.step_line = columns ? p->stride.w : p->stride.h;
    g.step_x = columns ? p->stride.h : p->stride.w;
    g.pad_line = columns ? p->padding.w : p->padding.h;
    g.pad_x = columns ? p->padding.h : p->padding.w;
    g.in_lines = columns ? in->w : in->h;
    g.in_len = columns ? in->h : in->w;
    g.src_line = columns ? in->c : in->w * in->c;
    g.src_x = columns ? in->w * in->c : in->c;
    g.dst_line = (columns ? 1 : out->w) * stride;
    g.dst_x = (columns ? out->w : 1) * stride;
    g.offset = p->input_offset;
    g.floored = es_fast_sign_is_moot(p->activation.min, p->output_offset);
    g.one_multiply = 0; /* a table's entry sets it from the table */
    g.columns = columns;
    return g;
}

/*
 * One tap line into the outputs at r (acc0) and r + 1 (acc1), r word-aligned:
 * with lo = (r[0], r[1]) and hi = (r[2], r[3]), acc0 += lo . (w0, w1) + r[2] * w2
 * and acc1 += r[1] * w0 + hi . (w1, w2).
 */
#define ES_DW3X3_PAIR(r, w01, w12)                                                  \
    do {                                                                            \
        uint32_t lo_, hi_;                                                          \
        es_dw3x3_load_pair(r, &lo_, &hi_);                                          \
        acc0 = es_fast_mac_lo_hi(hi_, w12, es_fast_dual_mac(lo_, w01, acc0));       \
        acc1 = es_fast_dual_mac(hi_, w12, es_fast_mac_hi_lo(lo_, w01, acc1));       \
    } while (0)

/* The acc0 half of ES_DW3X3_PAIR, r any even or odd position. */
#define ES_DW3X3_ONE(r, w01, w12) \
    (acc0 = es_fast_mac_lo_hi(es_fast_load32((r) + 2), w12, \
                              es_fast_dual_mac(es_fast_load32(r), w01, acc0)))

/*
 * One tap line into the stride-2 outputs at r (acc0) and r + 2 (acc1), r
 * word-aligned: acc0 += (r[0], r[1]) . (w0, w1) + r[2] * w2 and acc1 +=
 * (r[2], r[3]) . (w0, w1) + r[4] * w2: the middle pair serves both outputs, so a
 * pair of outputs takes one LDRD, one LDR and 4 multiply instructions per tap line.
 */
#define ES_DW3X3_PAIR2(r, w01, w12)                                                 \
    do {                                                                            \
        uint32_t lo_, hi_;                                                          \
        es_dw3x3_load_pair(r, &lo_, &hi_);                                          \
        acc0 = es_fast_mac_lo_hi(hi_, w12, es_fast_dual_mac(lo_, w01, acc0));       \
        acc1 = es_fast_mac_lo_hi(es_fast_load32((r) + 4), w12,                      \
                                 es_fast_dual_mac(hi_, w01, acc1));                 \
    } while (0)

/* Two words from a word-aligned address: one LDRD on the M4. */
static inline void es_dw3x3_load_pair(const int16_t *r, uint32_t *lo, uint32_t *hi)
{
#if ES_FAST_INTRINSICS
    __asm__("ldrd %0, %1, [%2]" : "=r"(*lo), "=r"(*hi) : "r"(r), "m"(*(const int16_t(*)[4])r));
#else
    *lo = es_fast_load32(r);
    *hi = es_fast_load32(r + 2);
#endif
}

/* The int8 range (`full`, SSAT on the M4) or [min, max]. */
static inline int8_t es_dw3x3_clamp(int32_t v, int full, int32_t min, int32_t max)
{
#if ES_FAST_INTRINSICS
    if (full) {
        return (int8_t)__ssat(v, 8);
    }
#else
    if (full) {
        return (int8_t)(v < -128 ? -128 : v > 127 ? 127 : v);
    }
#endif
    return (int8_t)(v < min ? min : v > max ? max : v);
}

/*
 * out_lines lines of len outputs from the widened lines at `rows` (line_stride
 * apart), taps and output stage in one pass; `full`: the clamp is the int8
 * range (a constant: each case gets its own loop, inlined by force).
 */
#if defined(__GNUC__)
#define ES_DW3X3_INLINE __attribute__((always_inline)) static inline
#else
#define ES_DW3X3_INLINE static inline
#endif

ES_DW3X3_INLINE void es_dw3x3_band_body(const int16_t *rows, int32_t line_stride,
                                        const es_dw3x3_geometry *g, const es_dw3x3_channel *t,
                                        int32_t out_lines, int8_t *dst, int full, int32_t min,
                                        int32_t max)
{
    const uint32_t a0 = t->w[0], a1 = t->w[2], a2 = t->w[4];
    const uint32_t b0 = t->w[1], b1 = t->w[3], b2 = t->w[5];
    const int32_t bias = t->bias, mult = t->multiplier, round = t->round, right = t->right;
    const int32_t n = g->len, step_x = g->step_x;
    const int32_t dst_x = g->dst_x, pairs = step_x <= 2 ? n / 2 : 0;
    const int32_t rows_step = g->step_line * line_stride;
    int32_t y, x, acc0, acc1;
    for (y = 0; y < out_lines; ++y, rows += rows_step, dst += g->dst_line) {
        const int16_t *r = rows;
        int8_t *o = dst;
        for (x = 0; x < pairs; ++x, r += 2 * step_x, o += 2 * dst_x) {
            acc0 = acc1 = bias;
            if (step_x == 1) {
                ES_DW3X3_PAIR(r, a0, b0);
                ES_DW3X3_PAIR(r + line_stride, a1, b1);
                ES_DW3X3_PAIR(r + 2 * line_stride, a2, b2);
            } else {
                ES_DW3X3_PAIR2(r, a0, b0);
                ES_DW3X3_PAIR2(r + line_stride, a1, b1);
                ES_DW3X3_PAIR2(r + 2 * line_stride, a2, b2);
            }
            acc0 = es_fast_table_stage(acc0, mult, round, right);
            acc1 = es_fast_table_stage(acc1, mult, round, right);
            o[0] = es_dw3x3_clamp(acc0, full, min, max);
            o[dst_x] = es_dw3x3_clamp(acc1, full, min, max);
        }
        for (x = 2 * pairs; x < n; ++x, r += step_x, o += dst_x) {
            acc0 = bias;
            ES_DW3X3_ONE(r, a0, b0);
            ES_DW3X3_ONE(r + line_stride, a1, b1);
            ES_DW3X3_ONE(r + 2 * line_stride, a2, b2);
            *o = es_dw3x3_clamp(es_fast_table_stage(acc0, mult, round, right), full, min, max);
        }
    }
}

#include "es_nn_fast_dw3x3_m4.h" /* es_dw3x3_band_dsp */

/*
 * `channels` consecutive channels (table rows t[0..], planes plane_stride values
 * apart from `rows`, outputs one byte apart from dst), out_lines lines of each;
 * [min, max]: the call's clamp.
 */
static ES_FAST_NOINLINE void es_dw3x3_band(const int16_t *rows, int32_t line_stride,
                                           const es_dw3x3_geometry *g,
                                           const es_dw3x3_channel *t, int32_t channels,
                                           int32_t plane_stride, int32_t out_lines, int8_t *dst,
                                           int32_t min, int32_t max)
{
    const int bits = es_fast_ssat_bits(min, max), full = bits == 8;
    int32_t c;
#if ES_FAST_INTRINSICS
    if (g->step_x <= 2 && out_lines > 0 && channels > 0) {
        es_dw3x3_group_args a;
        a.rows = rows;
        a.line_stride = line_stride;
        a.g = g;
        a.table = t;
        a.channels = channels;
        a.plane_stride = plane_stride;
        a.out_lines = out_lines;
        a.dst = dst;
        a.min = min;
        a.max = max;
#if ES_FAST_LOW_BIT_LOOPS
        if (g->one_multiply) {
            (full        ? es_dw3x3_band_dsp_1m
             : bits == 4 ? es_dw3x3_band_dsp_s4_1m
             : bits == 2 ? es_dw3x3_band_dsp_s2_1m
                         : es_dw3x3_band_dsp_range_1m)(&a);
            return;
        }
        if (bits == 4 || bits == 2) {
            (g->floored ? (bits == 4 ? es_dw3x3_band_dsp_s4_floor : es_dw3x3_band_dsp_s2_floor)
                        : (bits == 4 ? es_dw3x3_band_dsp_s4 : es_dw3x3_band_dsp_s2))(&a);
            return;
        }
#endif
        /* without the low-bit loops a 4- or 2-bit clamp takes the range loop, and a
         * one-multiply table the loops without the sign (its right shift of 0 is none) */
        if (g->floored || g->one_multiply) {
            (full ? es_dw3x3_band_dsp_floor : es_dw3x3_band_dsp_range_floor)(&a);
        } else {
            (full ? es_dw3x3_band_dsp : es_dw3x3_band_dsp_range)(&a);
        }
        return;
    }
#endif
    for (c = 0; c < channels; ++c, rows += plane_stride, ++dst) {
        if (full) {
            es_dw3x3_band_body(rows, line_stride, g, t + c, out_lines, dst, 1, -128, 127);
        } else {
            es_dw3x3_band_body(rows, line_stride, g, t + c, out_lines, dst, 0, min, max);
        }
    }
}

#ifdef __cplusplus
}
#endif

#include "es_nn_fast_dw3x3_plane.h" /* a channel's plane band by band */

#endif /* ES_NN_FAST_DW3X3_H */
