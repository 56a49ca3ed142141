/*
 * edgesmith C runtime: 3x3 depthwise planes several channels at a time (the fast
 * kernels' es_depthwise_conv2d_s8_w16), for planes small enough that the buffer
 * holds two or more of them whole.
 *
 * One plane per channel (es_nn_fast_dw3x3.h) pays per plane and per line for
 * the widening and the band loop's bookkeeping; a 6x6 plane has only 324 MACs
 * to share them. Here a group of channels is widened together straight from the
 * NHWC input, four channels per 32-bit load (two SXTB16 and two PKH give each
 * channel's pair of neighbouring values, one store each), and one call of the
 * band loop then runs every channel of the group, taking its weights and
 * output stage from the channel's row of the offline table. The planes sit at
 * fixed places for the whole call, so their padding is filled once and only
 * the input's positions are written again.
 */
#ifndef ES_NN_FAST_DW3X3_GROUP_H
#define ES_NN_FAST_DW3X3_GROUP_H

#include "es_nn_fast_dw3x3.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The values of a whole padded plane of g (band >= lines). */
static inline int32_t es_dw3x3_plane_values(const es_dw3x3_geometry *g)
{
    return ((g->lines - 1) * g->step_line + 3) * g->line_stride;
}

/*
 * Channels per group: as many whole planes as `buffer` values hold (a multiple of
 * four from four on, for the four-channel widening), at most `channels`; 0 where
 * fewer than two fit.
 */
static inline int32_t es_dw3x3_group_size(const es_dw3x3_geometry *g, int32_t buffer,
                                          int32_t channels)
{
    int32_t k = g->band >= g->lines ? buffer / es_dw3x3_plane_values(g) : 0;
    if (k < 2 || channels < 2) {
        return 0;
    }
    k = k >= 4 ? k & ~3 : k;
    return k < channels ? k : channels;
}

/*
 * Padded lines py0 .. py0 + count - 1 of `quads` times four channels' planes
 * (the first channel at `input`, channel c of the NHWC input; planes `plane`
 * values apart, line py0 of the first at `row`), as es_dw3x3_widen does for
 * one: per two positions of four channels two loads, four SXTB16, four PKH and
 * four stores for 8 values. Padding lines get -offset where `pads` (a band's
 * lines move), else keep what they hold.
 */
static ES_FAST_NOINLINE void es_dw3x3_widen4(const es_dw3x3_geometry *g, const int8_t *input,
                                             int32_t py0, int32_t count, int32_t plane,
                                             int32_t quads, int pads, int16_t *row)
{
    const int32_t left = g->pad_x, step = g->src_x, line_stride = g->line_stride;
    const int32_t width = (left + g->in_len < line_stride ? left + g->in_len : line_stride) - left;
    const int16_t pad = (int16_t)-g->offset;
    const int32_t first = py0 > g->pad_line ? py0 : g->pad_line;
    const int32_t end = py0 + count < g->pad_line + g->in_lines ? py0 + count
                                                                : g->pad_line + g->in_lines;
    const int8_t *lines = input + (first < end ? first - g->pad_line : 0) * g->src_line;
    int32_t q, py, j;
    for (q = 0; q < quads; ++q, lines += 4, row += 4 * plane) {
        const int8_t *line = lines;
        int16_t *d = row + left;
        for (py = py0; py < py0 + count && pads; ++py, d += line_stride) {
            for (j = 0; j < width && (py < first || py >= end); ++j) {
                d[j] = d[j + plane] = d[j + 2 * plane] = d[j + 3 * plane] = pad;
            }
        }
        int16_t *at = row + left + (first - py0) * line_stride;
        for (py = first; py < end; ++py, line += g->src_line, at += line_stride) {
            const int8_t *src = line;
            d = at;
            for (j = 0; j + 2 <= width; j += 2, src += 2 * step, d += 2) {
                const uint32_t w0 = es_fast_load32(src), w1 = es_fast_load32(src + step);
                const uint32_t e0 = es_fast_bytes02(w0), e1 = es_fast_bytes02(w1);
                const uint32_t o0 = es_fast_bytes13(w0), o1 = es_fast_bytes13(w1);
                uint32_t v = es_fast_pack_lo(e0, e1);
                memcpy(d, &v, sizeof v);
                v = es_fast_pack_lo(o0, o1);
                memcpy(d + plane, &v, sizeof v);
                v = es_fast_pack_hi(e0, e1);
                memcpy(d + 2 * plane, &v, sizeof v);
                v = es_fast_pack_hi(o0, o1);
                memcpy(d + 3 * plane, &v, sizeof v);
            }
            if (j < width) {
                const uint32_t w0 = es_fast_load32(src);
                const uint32_t e0 = es_fast_bytes02(w0), o0 = es_fast_bytes13(w0);
                d[0] = (int16_t)(e0 & 0xFFFFu);
                d[plane] = (int16_t)(o0 & 0xFFFFu);
                d[2 * plane] = (int16_t)(e0 >> 16);
                d[3 * plane] = (int16_t)(o0 >> 16);
            }
        }
    }
}

/* How a call runs its channels in groups: k at a time, each plane in `area` values laid out
 * by g (es_dw3x3_layout of that area). */
typedef struct {
    es_dw3x3_geometry g;
    int32_t k, area;
} es_dw3x3_grouping;

/*
 * The grouping of a call with depth multiplier 1 whose planes are laid out by g
 * for the whole buffer, or 0 where it runs one channel at a time: whole planes
 * where two or more fit (es_dw3x3_group_size), else four channels in bands of
 * at least two output lines each (the widening then shares its loads between
 * four channels; in place only where es_dw3x3_in_place holds for those bands).
 */
static inline int es_dw3x3_grouping_of(const es_dw3x3_geometry *g, int32_t channels,
                                       int in_place, es_dw3x3_grouping *q)
{
    q->g = *g;
    q->k = es_dw3x3_group_size(g, ES_FAST_BUFFER, channels);
    if (q->k > 0) {
        q->area = es_dw3x3_plane_values(g);
        return 1;
    }
    if (channels < 4) {
        return 0;
    }
    q->k = 4;
    q->area = ES_FAST_BUFFER / 4 & ~1;
    es_dw3x3_layout(&q->g, q->area);
    return q->g.band >= 2 && (!in_place || es_dw3x3_in_place(&q->g));
}

/*
 * All `channels` output channels of a call with depth multiplier 1 (channel c
 * reads input channel c, its table row table[c], its outputs from dst + c) by
 * grouping q through `rows`: per group, band by band, the lines the bands share
 * kept as es_dw3x3_plane keeps them, every plane of the group widened before
 * the band's first output is written (so dst may be the input where q allows).
 */
static inline void es_dw3x3_groups(const es_dw3x3_grouping *q, const int8_t *input,
                                   const es_dw3x3_channel *table, int32_t channels,
                                   es_activation act, int16_t *rows, int8_t *dst)
{
    const es_dw3x3_geometry *g = &q->g;
    const int32_t sh = g->step_line, line_stride = g->line_stride, area = q->area;
    const int32_t keep = sh < 3 ? 3 - sh : 0;
    int32_t c, j, n, oy, count, held = 0, filled = 0;
    es_dw3x3_fill(rows, q->k * area, g->offset, line_stride, &filled);
    for (c = 0; c < channels; c += n) {
        n = channels - c < q->k ? channels - c : q->k;
        for (oy = 0; oy < g->lines; oy += count) {
            const int32_t kept = oy == 0 ? 0 : keep;
            int16_t *at = rows + kept * line_stride;
            count = g->lines - oy < g->band ? g->lines - oy : g->band;
            for (j = 0; j < n && kept > 0; ++j) {
                memmove(rows + j * area, rows + j * area + (held - kept) * line_stride,
                        (size_t)(kept * line_stride) * sizeof *rows);
            }
            held = (count - 1) * sh + 3;
            es_dw3x3_widen4(g, input + c, oy * sh + kept, held - kept, area, n / 4,
                            g->band < g->lines, at);
            for (j = n & ~3; j < n; ++j) {
                es_dw3x3_widen(g, input + c + j, oy * sh + kept, held - kept, line_stride,
                               at + j * area);
            }
            es_dw3x3_band(rows, line_stride, g, table + c, n, area, count,
                          dst + c + oy * g->dst_line, act.min, act.max);
        }
    }
}

#ifdef __cplusplus
}
#endif

#endif /* ES_NN_FAST_DW3X3_GROUP_H */
