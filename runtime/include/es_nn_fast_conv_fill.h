/*
 * edgesmith C runtime: the window fill of es_conv2d_s8_w16 (runtime/kernels/fast):
 * two output pixels' windows as one buffer of int16 pairs, interleaved pixel by
 * pixel (word 2p + pixel holds the pixel's values 2p and 2p + 1), raw input values,
 * a tap in the padding -input_offset (the folded bias cancels its term).
 */
#ifndef ES_NN_FAST_CONV_FILL_H
#define ES_NN_FAST_CONV_FILL_H

#include "es_nn_fast.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Four input values as two pair words: (v0, v1) at *lo, (v2, v3) at *hi. */
static inline void widen4(const int8_t *src, uint32_t *lo, uint32_t *hi)
{
    const uint32_t x = es_fast_load32(src);
    const uint32_t even = es_fast_bytes02(x), odd = es_fast_bytes13(x);
    *lo = es_fast_pack_lo(even, odd);
    *hi = es_fast_pack_hi(even, odd);
}

/* Window value k of `pixel` (0 or 1) into the interleaved pair buffer: one halfword store
 * (little-endian words: value 2p in the low half). */
static inline void put_value(uint32_t *cols, int pixel, int32_t k, int32_t v)
{
    const int16_t h = (int16_t)v;
    memcpy((char *)(cols + (k >> 1) * 2 + pixel) + 2 * (k & 1), &h, sizeof h);
}

/* n input values from src as window values k.. of `pixel`: whole pairs as words, 4 values
 * per load (the pairs rebuilt from SXTB16's even and odd bytes by PKHBT/PKHTB). */
static void put_run(uint32_t *cols, int pixel, int32_t k, const int8_t *src, int32_t n)
{
    uint32_t *d;
    if (n > 0 && (k & 1)) {
        put_value(cols, pixel, k++, *src++);
        --n;
    }
    d = cols + k + pixel; /* word (k / 2) * 2 + pixel of an even k */
    for (; n >= 8; n -= 8, src += 8, d += 8) {
        widen4(src, d, d + 2);
        widen4(src + 4, d + 4, d + 6);
    }
    if (n >= 4) {
        widen4(src, d, d + 2);
        d += 4;
        src += 4;
        n -= 4;
    }
    if (n >= 2) {
        d[0] = es_fast_halves(src[0], src[1]);
        d += 2;
        src += 2;
        n -= 2;
    }
    if (n > 0) { /* a last value alone: the pair's other half is a kernel row's 0 weight */
        *d = (uint32_t)src[0] & 0xFFFFu;
    }
}

/* n copies of `value` as window values k.. of `pixel`, whole pairs as words. */
static void put_padding(uint32_t *cols, int pixel, int32_t k, int32_t value, int32_t n)
{
    const uint32_t pair = es_fast_pair(value);
    uint32_t *d;
    if (n > 0 && (k & 1)) {
        put_value(cols, pixel, k++, value);
        --n;
    }
    for (d = cols + k + pixel; n >= 2; n -= 2, d += 2) {
        *d = pair;
    }
    if (n > 0) {
        *d = pair & 0xFFFFu;
    }
}

/* What fill_pixel reads, copied once per call: the buffer's stores cannot alias it. */
typedef struct {
    const int8_t *input;
    int32_t in_h, in_w, c, f_h, f_w, stride_h, stride_w, pad_h, pad_w, dil_h, dil_w;
    int32_t run, line, pad, row_len;
} es_conv_fill;

static es_conv_fill fill_of(const es_conv_params *p, const es_dims *in, const es_dims *f,
                            const int8_t *input)
{
    es_conv_fill g;
    g.input = input;
    g.in_h = in->h;
    g.in_w = in->w;
    g.c = in->c;
    g.f_h = f->h;
    g.f_w = f->w;
    g.stride_h = p->stride.h;
    g.stride_w = p->stride.w;
    g.pad_h = p->padding.h;
    g.pad_w = p->padding.w;
    g.dil_h = p->dilation.h;
    g.dil_w = p->dilation.w;
    g.run = f->w * in->c;
    g.line = in->w * in->c;
    g.pad = -p->input_offset;
    g.row_len = g.run + (g.run & 1); /* each kernel row starts on a pair */
    return g;
}

/* `rows` runs of n values, `step` bytes apart from src on, as consecutive kernel rows of a
 * pixel's window from word d on (every run starts on a pair; an odd one ends with a 0):
 * the window inside the input, in one loop without bounds or calls. */
static void fill_rows(uint32_t *d, const int8_t *src, int32_t rows, int32_t n, int32_t step)
{
    const int32_t groups = n >> 2, rest = n & 3;
    for (; rows > 0; --rows, src += step) {
        const int8_t *s = src;
        int32_t g;
        for (g = groups; g > 0; --g, s += 4, d += 4) {
            widen4(s, d, d + 2);
        }
        if (rest >= 2) {
            d[0] = es_fast_halves(s[0], s[1]);
            d += 2;
            s += 2;
        }
        if (rest & 1) {
            d[0] = (uint32_t)s[0] & 0xFFFFu;
            d += 2;
        }
    }
}

/* fill_rows for two pixels at once, the second's runs `apart` bytes after the first's:
 * one pass writes both pixels' words of a pair side by side. */
static void fill_rows2(uint32_t *d, const int8_t *src, int32_t apart, int32_t rows, int32_t n,
                       int32_t step)
{
    const int32_t groups = n >> 2, rest = n & 3;
    for (; rows > 0; --rows, src += step) {
        const int8_t *s = src;
        int32_t g;
        for (g = groups; g > 0; --g, s += 4, d += 4) {
            widen4(s, d, d + 2);
            widen4(s + apart, d + 1, d + 3);
        }
        if (rest >= 2) {
            d[0] = es_fast_halves(s[0], s[1]);
            d[1] = es_fast_halves(s[apart], s[apart + 1]);
            d += 2;
            s += 2;
        }
        if (rest & 1) {
            d[0] = (uint32_t)s[0] & 0xFFFFu;
            d[1] = (uint32_t)s[apart] & 0xFFFFu;
            d += 2;
        }
    }
}

/* Both windows of output pixels (oy, ox) and (oy, ox + 1) by fill_rows2 where both lie inside
 * the input (dilation 1 along the width); 0 where they do not (nothing written). */
static int fill_pair(const es_conv_fill *g, int32_t oy, int32_t ox, uint32_t *cols)
{
    const int32_t iy0 = oy * g->stride_h - g->pad_h, ix0 = ox * g->stride_w - g->pad_w;
    if (g->dil_w != 1 || iy0 < 0 || iy0 + (g->f_h - 1) * g->dil_h >= g->in_h || ix0 < 0 ||
        ix0 + g->stride_w + g->f_w > g->in_w) {
        return 0;
    }
    fill_rows2(cols, g->input + (iy0 * g->in_w + ix0) * g->c, g->stride_w * g->c, g->f_h,
               g->run, g->dil_h * g->line);
    return 1;
}

/* The window of output pixel (oy, ox) as `pixel`'s values, raw, padding -input_offset,
 * kernel row ky from value ky * row_len on (es_nn_fast_w16.h): one run per kernel row where
 * the window lies inside the input along its width, else a run per tap. */
static void fill_pixel(const es_conv_fill *g, int32_t oy, int32_t ox, int pixel, uint32_t *cols)
{
    const int32_t iy0 = oy * g->stride_h - g->pad_h, ix0 = ox * g->stride_w - g->pad_w;
    const int32_t run = g->run, c = g->c, row_len = g->row_len;
    int32_t ky, kx, k = 0;
    if (g->dil_w == 1 && ix0 >= 0 && ix0 + g->f_w <= g->in_w) {
        const int8_t *src = g->input + (iy0 * g->in_w + ix0) * c;
        if (iy0 >= 0 && iy0 + (g->f_h - 1) * g->dil_h < g->in_h) {
            fill_rows(cols + pixel, src, g->f_h, run, g->dil_h * g->line);
            return;
        }
        for (ky = 0; ky < g->f_h; ++ky, k += row_len) {
            const int32_t iy = iy0 + ky * g->dil_h;
            if (iy < 0 || iy >= g->in_h) {
                put_padding(cols, pixel, k, g->pad, run);
            } else {
                put_run(cols, pixel, k, src + ky * g->dil_h * g->line, run);
            }
        }
        return;
    }
    for (ky = 0; ky < g->f_h; ++ky, k = ky * row_len) {
        const int32_t iy = iy0 + ky * g->dil_h;
        const int row = iy >= 0 && iy < g->in_h;
        for (kx = 0; kx < g->f_w; ++kx, k += c) {
            const int32_t ix = ix0 + kx * g->dil_w;
            if (row && ix >= 0 && ix < g->in_w) {
                put_run(cols, pixel, k, g->input + (iy * g->in_w + ix) * c, c);
            } else {
                put_padding(cols, pixel, k, g->pad, c);
            }
        }
    }
}

#ifdef __cplusplus
}
#endif

#endif /* ES_NN_FAST_CONV_FILL_H */
