/*
 * edgesmith C runtime: one channel's 3x3 depthwise plane band by band (the
 * fast kernels' es_depthwise_conv2d_s8 and es_depthwise_conv2d_s8_w16): the
 * widening of a band's padded input lines to int16, how a buffer holds the
 * bands (es_dw3x3_layout), and when the bands may write over their own input
 * (es_dw3x3_in_place). Included at the end of es_nn_fast_dw3x3.h, whose band
 * loop (es_dw3x3_band) runs each band.
 */
#ifndef ES_NN_FAST_DW3X3_PLANE_H
#define ES_NN_FAST_DW3X3_PLANE_H

#include "es_nn_fast_dw3x3.h"

#ifdef __cplusplus
extern "C" {
#endif

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

#endif /* ES_NN_FAST_DW3X3_PLANE_H */
