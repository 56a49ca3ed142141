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

#if ES_FAST_INTRINSICS
/* (low half of a, low half of b) and (high half of a, high half of b): one PKH each. */
static inline uint32_t es_dw3x3_low_halves(uint32_t a, uint32_t b)
{
    uint32_t r;
    __asm__("pkhbt %0, %1, %2, lsl #16" : "=r"(r) : "r"(a), "r"(b));
    return r;
}

static inline uint32_t es_dw3x3_high_halves(uint32_t a, uint32_t b)
{
    uint32_t r;
    __asm__("pkhtb %0, %2, %1, asr #16" : "=r"(r) : "r"(a), "r"(b));
    return r;
}
#else
static inline uint32_t es_dw3x3_low_halves(uint32_t a, uint32_t b)
{
    return (a & 0xFFFFu) | (b << 16);
}

static inline uint32_t es_dw3x3_high_halves(uint32_t a, uint32_t b)
{
    return (a >> 16) | (b & 0xFFFF0000u);
}
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
 * The input positions of four channels' planes (the first at `input`, channel c
 * of the NHWC input; planes `plane` values apart from `rows`): per two positions
 * two loads, four SXTB16, four PKH and four stores for 8 values. Padding lines
 * and positions are left as they are (filled once per call).
 */
static ES_FAST_NOINLINE void es_dw3x3_widen4(const es_dw3x3_geometry *g, const int8_t *input,
                                             int32_t plane, int16_t *rows)
{
    const int32_t left = g->pad_x, step = g->src_x, line_stride = g->line_stride;
    const int32_t width = (left + g->in_len < line_stride ? left + g->in_len : line_stride) - left;
    const int32_t first = g->pad_line, last = g->pad_line + g->in_lines;
    const int32_t padded = (g->lines - 1) * g->step_line + 3;
    int32_t py, j;
    for (py = first; py < last && py < padded; ++py) {
        const int8_t *src = input + (py - first) * g->src_line;
        int16_t *d = rows + py * line_stride + left;
        for (j = 0; j + 2 <= width; j += 2, src += 2 * step, d += 2) {
            const uint32_t w0 = es_fast_load32(src), w1 = es_fast_load32(src + step);
            const uint32_t e0 = es_fast_bytes02(w0), e1 = es_fast_bytes02(w1);
            const uint32_t o0 = es_fast_bytes13(w0), o1 = es_fast_bytes13(w1);
            uint32_t v = es_dw3x3_low_halves(e0, e1);
            memcpy(d, &v, sizeof v);
            v = es_dw3x3_low_halves(o0, o1);
            memcpy(d + plane, &v, sizeof v);
            v = es_dw3x3_high_halves(e0, e1);
            memcpy(d + 2 * plane, &v, sizeof v);
            v = es_dw3x3_high_halves(o0, o1);
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

/*
 * All `channels` output channels of a call with depth multiplier 1 (channel c
 * reads input channel c, its table row table[c], its outputs from dst + c), in
 * groups of k (es_dw3x3_group_size) through `rows`. Each group's planes are
 * widened whole before its first output is written, so dst may be the input.
 */
static inline void es_dw3x3_groups(const es_dw3x3_geometry *g, int32_t k, const int8_t *input,
                                   const es_dw3x3_channel *table, int32_t channels,
                                   es_activation act, int16_t *rows, int8_t *dst)
{
    const int32_t plane = es_dw3x3_plane_values(g);
    const int32_t padded = (g->lines - 1) * g->step_line + 3;
    int32_t c, j, n, filled = 0;
    es_dw3x3_fill(rows, k * plane, g->offset, g->line_stride, &filled);
    for (c = 0; c < channels; c += n) {
        n = channels - c < k ? channels - c : k;
        for (j = 0; j + 4 <= n; j += 4) {
            es_dw3x3_widen4(g, input + c + j, plane, rows + j * plane);
        }
        for (; j < n; ++j) {
            es_dw3x3_widen(g, input + c + j, 0, padded, g->line_stride, rows + j * plane);
        }
        es_dw3x3_band(rows, g->line_stride, g, table + c, n, plane, g->lines, dst + c, act.min,
                      act.max);
    }
}

#ifdef __cplusplus
}
#endif

#endif /* ES_NN_FAST_DW3X3_GROUP_H */
