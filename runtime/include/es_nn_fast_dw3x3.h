/*
 * edgesmith C runtime: the 3x3 depthwise plane of the fast kernels
 * (runtime/kernels/fast/es_depthwise_conv2d_s8.c), for windows of 3x3 with
 * dilation 1, any stride, channels whose output stage takes the short form.
 *
 * One channel at a time: a band of its padded input lines is widened once to
 * int16 at a fixed line stride (the input offset folded into the bias, the
 * padding -offset), so the three
 * lines of a window are three pointers a stride apart and nothing is checked
 * per tap. A line is an input row, or an input column where the plane is
 * taller than wide (a 25x5 plane runs as 5 lines of 25 outputs, not 25 of 5:
 * the per-line work is paid 5 times). One pass then computes each output:
 * taps (two outputs per step for stride 1: per tap line one LDRD and 4
 * multiply instructions for 6 MACs, see ES_DW3X3_PAIR) and the output stage,
 * the accumulators never leaving registers (written out for the M4 in
 * es_nn_fast_dw3x3_m4.h, a C loop elsewhere). The weights and bias are doubled
 * once per channel, so the accumulator is already the 2 * acc the short
 * output stage's SMMULR takes.
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
 * es_fast_short's. The clamp is the call's (es_activation), not the channel's.
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
            acc0 = es_fast_short_value2(acc0, mult, round, right);
            acc1 = es_fast_short_value2(acc1, mult, round, right);
            o[0] = es_dw3x3_clamp(acc0, full, min, max);
            o[dst_x] = es_dw3x3_clamp(acc1, full, min, max);
        }
        for (x = 2 * pairs; x < n; ++x, r += step_x, o += dst_x) {
            acc0 = bias;
            ES_DW3X3_ONE(r, a0, b0);
            ES_DW3X3_ONE(r + line_stride, a1, b1);
            ES_DW3X3_ONE(r + 2 * line_stride, a2, b2);
            *o = es_dw3x3_clamp(es_fast_short_value2(acc0, mult, round, right), full, min, max);
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
    const int full = min == -128 && max == 127;
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
        if (full) {
            es_dw3x3_band_dsp(&a);
        } else if (min == -8 && max == 7) {
            es_dw3x3_band_dsp_s4(&a);
        } else if (min == -2 && max == 1) {
            es_dw3x3_band_dsp_s2(&a);
        } else {
            es_dw3x3_band_dsp_range(&a);
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

/*
 * Padded lines py0 .. py0 + count - 1 of the channel at `input` widened,
 * line_stride apart, into a buffer whose padding positions hold -offset
 * already (es_dw3x3_plane): only the positions of the input are written, the
 * input as it is, or -offset in a padding line. Four values per step.
 */
static ES_FAST_NOINLINE void es_dw3x3_widen(const es_dw3x3_geometry *g, const int8_t *input,
                                            int32_t py0, int32_t count, int32_t line_stride,
                                            int16_t *row)
{
    const int32_t left = g->pad_x, step = g->src_x;
    const int32_t width = (left + g->in_len < line_stride ? left + g->in_len : line_stride) - left;
    const int16_t pad = (int16_t)-g->offset;
    int32_t py, j;
    for (py = py0, row += left; py < py0 + count; ++py, row += line_stride) {
        const int32_t iy = py - g->pad_line;
        int16_t *dst = row;
        if (iy >= 0 && iy < g->in_lines) {
            const int8_t *src = input + iy * g->src_line;
            for (j = 0; j + 4 <= width; j += 4, src += 4 * step, dst += 4) {
                const int8_t *half = src + 2 * step;
                dst[0] = src[0];
                dst[1] = src[step];
                dst[2] = half[0];
                dst[3] = half[step];
            }
            for (; j < width; ++j, src += step) {
                *dst++ = *src;
            }
        } else {
            for (j = 0; j < width; ++j) {
                dst[j] = pad;
            }
        }
    }
}

/*
 * How a call's planes use a buffer of `buffer` int16 values: the line stride
 * (one read past the last window), the output lines of a band (0 where not
 * even one fits) and the values a band's lines take.
 */
static inline void es_dw3x3_layout(es_dw3x3_geometry *g, int32_t buffer)
{
    const int32_t line_stride = ((g->len - 1) * g->step_x + 3 + 2) & ~1;
    const int32_t fit = buffer / line_stride;
    const int32_t band = fit < 3 ? 0 : (fit - 3) / g->step_line + 1;
    const int32_t lines = band < g->lines ? band : g->lines;
    g->line_stride = line_stride;
    g->band = band;
    g->used = ((lines - 1) * g->step_line + 3) * line_stride;
}

/*
 * The first `used` values of `rows` set to -offset (the padding's value), unless
 * *filled already says they hold it for this line stride (then the positions of
 * the input are all a later widening writes).
 */
static inline void es_dw3x3_fill(int16_t *rows, int32_t used, int32_t offset,
                                 int32_t line_stride, int32_t *filled)
{
    int32_t k;
    if (*filled != line_stride) {
        const uint32_t pair = es_fast_pair(-offset);
        for (k = 0; k < used; k += 2) {
            memcpy(rows + k, &pair, sizeof pair);
        }
        *filled = line_stride;
    }
}

/*
 * The plane of one output channel (its input channel at `input`, the first
 * element of that channel) into dst, by geometry g (es_dw3x3_layout: band >
 * 0), with the lines buffer `rows` (word-aligned). A band's lines are widened
 * before its first output is written, and the next band keeps the lines the
 * two share (moved to the top of the buffer) and widens only the lines it adds,
 * so each input line is read once, before any output the bands before it
 * wrote (dst may be the channel's input where es_dw3x3_in_place says so).
 * *filled is the line stride for which the buffer's padding positions hold
 * -offset (0: none): they are filled once for all the channels of a call. The
 * input offset is in the bias (es_dw3x3_channel), so the lines hold the input
 * as it is, and the padding -offset: x + offset is 0 there, as in the
 * reference.
 */
static inline void es_dw3x3_plane(const es_dw3x3_geometry *g, const int8_t *input,
                                  const es_dw3x3_channel *t, es_activation act, int16_t *rows,
                                  int32_t *filled, int8_t *dst)
{
    const int32_t sh = g->step_line, band = g->band, line_stride = g->line_stride;
    const int32_t keep = sh < 3 ? 3 - sh : 0; /* lines consecutive bands share */
    int32_t oy, count, held = 0;
    es_dw3x3_fill(rows, g->used, g->offset, line_stride, filled);
    for (oy = 0; oy < g->lines; oy += count) {
        const int32_t kept = oy == 0 ? 0 : keep;
        count = g->lines - oy < band ? g->lines - oy : band;
        if (kept > 0) {
            memmove(rows, rows + (held - kept) * line_stride,
                    (size_t)(kept * line_stride) * sizeof *rows);
        }
        held = (count - 1) * sh + 3;
        es_dw3x3_widen(g, input, oy * sh + kept, held - kept, line_stride,
                       rows + kept * line_stride);
        es_dw3x3_band(rows, line_stride, g, t, 1, 0, count, dst + oy * g->dst_line, act.min,
                      act.max);
    }
}

/*
 * Whether es_dw3x3_plane may write a channel's outputs over its input (the
 * in-place contract: output pixel p of channel c into the slot of input pixel
 * p, channel c): one band holds the whole plane, or the lines are rows and at
 * every band's end the outputs written so far lie before the first input row
 * a later band widens.
 */
static inline int es_dw3x3_in_place(const es_dw3x3_geometry *g)
{
    const int32_t sh = g->step_line, keep = sh < 3 ? 3 - sh : 0;
    int32_t end;
    if (g->band >= g->lines) {
        return 1;
    }
    if (g->columns) {
        return 0;
    }
    for (end = g->band; end < g->lines; end += g->band) {
        if ((int64_t)end * g->len > (int64_t)(end * sh + keep - g->pad_line) * g->in_len) {
            return 0;
        }
    }
    return 1;
}

#ifdef __cplusplus
}
#endif

#endif /* ES_NN_FAST_DW3X3_H */
