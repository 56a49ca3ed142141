/*
 * Fast int8 2-D convolution on int16 weights laid out offline (es_nn_fast_w16.h):
 * the integers of es_conv2d_s8 on the int8 weights they came from.
 *
 * The bias holds bias + input_offset * sum(row), so the windows enter the products
 * raw and a tap in the padding reads -input_offset (its term cancels the folded
 * offset's). Two output pixels at a time, their windows are widened into one
 * buffer of int16 pairs, interleaved pixel by pixel; every block of 4 output
 * channels then runs 2x4 dot products over it, the weights read as stored.
 * A window longer than the buffer takes a plain loop over the same layout.
 */
#include "es_nn.h"
#include "es_nn_fast.h"
#include "es_nn_fast_conv_stage.h"
#include "es_nn_fast_w16.h"

/* Window value k of `pixel` (0 or 1) into the interleaved pair buffer. */
static void put_value(uint32_t *cols, int pixel, int32_t k, int32_t v)
{
    uint32_t *word = cols + (k >> 1) * 2 + pixel;
    *word = (k & 1) ? (*word & 0xFFFFu) | ((uint32_t)v << 16)
                    : (*word & 0xFFFF0000u) | ((uint32_t)v & 0xFFFFu);
}

/* n input values from src as window values k.. of `pixel`: whole pairs as words. */
static void put_run(uint32_t *cols, int pixel, int32_t k, const int8_t *src, int32_t n)
{
    if (n > 0 && (k & 1)) {
        put_value(cols, pixel, k++, *src++);
        --n;
    }
    for (; n >= 4; n -= 4, k += 4, src += 4) {
        const uint32_t x = es_fast_load32(src);
        const uint32_t even = es_fast_bytes02(x), odd = es_fast_bytes13(x);
        cols[(k >> 1) * 2 + pixel] = (even & 0xFFFFu) | (odd << 16);
        cols[(k >> 1) * 2 + 2 + pixel] = (even >> 16) | (odd & 0xFFFF0000u);
    }
    for (; n >= 2; n -= 2, k += 2, src += 2) {
        cols[(k >> 1) * 2 + pixel] = es_fast_halves(src[0], src[1]);
    }
    if (n > 0) {
        put_value(cols, pixel, k, *src);
    }
}

static void put_padding(uint32_t *cols, int pixel, int32_t k, int32_t value, int32_t n)
{
    for (; n > 0; --n) {
        put_value(cols, pixel, k++, value);
    }
}

/* The window of output pixel (oy, ox) as `pixel`'s values, raw, padding -input_offset. */
static void fill_pixel(const es_conv_params *p, const es_dims *in, const es_dims *f,
                       const int8_t *input, int32_t oy, int32_t ox, int pixel, uint32_t *cols)
{
    const int32_t c = in->c, run = f->w * c, ix0 = ox * p->stride.w - p->padding.w;
    const int32_t pad = -p->input_offset;
    int32_t ky, kx, k = 0;
    for (ky = 0; ky < f->h; ++ky, k += run) {
        const int32_t iy = oy * p->stride.h - p->padding.h + ky * p->dilation.h;
        if (iy < 0 || iy >= in->h) {
            put_padding(cols, pixel, k, pad, run);
        } else if (p->dilation.w == 1 && ix0 >= 0 && ix0 + f->w <= in->w) {
            put_run(cols, pixel, k, input + (iy * in->w + ix0) * c, run);
        } else {
            for (kx = 0; kx < f->w; ++kx) {
                const int32_t ix = ix0 + kx * p->dilation.w;
                if (ix < 0 || ix >= in->w) {
                    put_padding(cols, pixel, k + kx * c, pad, c);
                } else {
                    put_run(cols, pixel, k + kx * c, input + (iy * in->w + ix) * c, c);
                }
            }
        }
    }
    if (k & 1) {
        put_value(cols, pixel, k, 0); /* the pair's second half meets a 0 weight */
    }
}

/* Channels first .. first + count - 1 of two pixels (out1 = out0 for a pixel alone). */
static void pixel_pair(const es_conv_params *p, const es_per_channel_quant_params *quant,
                       const int32_t *filter, int32_t channels, int32_t pairs,
                       const es_fast_channel_stage *stages, int32_t first, int32_t count,
                       const uint32_t *cols, int8_t *out0, int8_t *out1)
{
    const int32_t end = first + count, blocked = channels & ~3;
    int32_t oc, j;
    for (oc = first; oc < end && oc < blocked; oc += 4, stages += 4) {
        int32_t acc[8] = {0, 0, 0, 0, 0, 0, 0, 0};
        es_w16_block_2x4(cols, filter + oc * pairs, pairs, acc);
        for (j = 0; j < 4; ++j) {
            es_fast_output_channel(p, quant, stages + j, oc + j, acc[j], acc[4 + j], out0, out1);
        }
    }
    for (; oc < end; ++oc, ++stages) { /* the channels after the last block of 4 */
        const int32_t *row = filter + oc * pairs;
        es_fast_output_channel(p, quant, stages, oc, es_w16_dot(cols, 2, row, pairs),
                               es_w16_dot(cols + 1, 2, row, pairs), out0, out1);
    }
}

/* Every output by the window loop, for windows the pair buffer cannot hold. */
static void plain_conv(const es_conv_params *p, const es_per_channel_quant_params *quant,
                       const es_dims *in, const int8_t *input, const es_dims *f,
                       const int32_t *filter, const int32_t *bias, const es_dims *out,
                       int8_t *output)
{
    const int32_t pairs = (f->h * f->w * f->c + 1) / 2;
    int32_t oy, ox, oc, ky, kx, ic;
    for (oy = 0; oy < out->h; ++oy) {
        for (ox = 0; ox < out->w; ++ox, output += f->n) {
            for (oc = 0; oc < f->n; ++oc) {
                int32_t acc = 0, k = 0;
                for (ky = 0; ky < f->h; ++ky) {
                    const int32_t iy = oy * p->stride.h - p->padding.h + ky * p->dilation.h;
                    for (kx = 0; kx < f->w; ++kx) {
                        const int32_t ix = ox * p->stride.w - p->padding.w + kx * p->dilation.w;
                        const int inside = iy >= 0 && iy < in->h && ix >= 0 && ix < in->w;
                        for (ic = 0; ic < f->c; ++ic, ++k) {
                            const int32_t x = inside ? input[(iy * in->w + ix) * in->c + ic]
                                                     : -p->input_offset;
                            acc += es_w16_weight(filter, f->n, pairs, oc, k) * x;
                        }
                    }
                }
                es_fast_output_general(p, quant, bias[oc], oc, acc, 0, output, output);
            }
        }
    }
}

es_status es_conv2d_s8_w16(const es_context *ctx, const es_conv_params *params,
                           const es_per_channel_quant_params *quant, const es_dims *input_dims,
                           const int8_t *input, const es_dims *filter_dims, const int32_t *filter,
                           const int32_t *bias, const es_dims *output_dims, int8_t *output)
{
    uint32_t cols[ES_FAST_BUFFER / 2];
    es_fast_channel_stage stages[ES_FAST_STAGE_CHUNK];
    es_window win;
    es_status status;
    int32_t pairs, pixels, px, first, count, magnitude;
    (void)ctx;
    status = es_conv_begin_s8(&win, params, quant, input_dims, input, filter_dims,
                              (const int8_t *)filter, output_dims, output);
    if (status != ES_OK) {
        return status;
    }
    if (bias == NULL) {
        return ES_ERR_ARG; /* the folded offset lives in the bias */
    }
    pairs = (filter_dims->h * filter_dims->w * filter_dims->c + 1) / 2;
    if (2 * pairs > ES_FAST_BUFFER / 2 || !es_fast_offset_fits(params->input_offset)) {
        plain_conv(params, quant, input_dims, input, filter_dims, filter, bias, output_dims,
                   output);
        return ES_OK;
    }
    magnitude = params->input_offset < 0 ? -params->input_offset : params->input_offset;
    pixels = output_dims->h * output_dims->w;
    for (first = 0; first < filter_dims->n; first += count) {
        count = filter_dims->n - first;
        count = count < ES_FAST_STAGE_CHUNK ? count : ES_FAST_STAGE_CHUNK;
        es_fast_prepare_stages(params, quant, bias,
                               (int64_t)pairs * 2 * 128 * (magnitude > 128 ? magnitude : 128),
                               first, count, stages);
        for (px = 0; px < pixels; px += 2) {
            const int two = px + 1 < pixels;
            fill_pixel(params, input_dims, filter_dims, input, px / output_dims->w,
                       px % output_dims->w, 0, cols);
            /* a last pixel alone fills both halves; its second outputs are overwritten */
            fill_pixel(params, input_dims, filter_dims, input, (px + two) / output_dims->w,
                       (px + two) % output_dims->w, 1, cols);
            pixel_pair(params, quant, filter, filter_dims->n, pairs, stages, first, count, cols,
                       output + px * filter_dims->n,
                       output + (two ? px + 1 : px) * filter_dims->n);
        }
    }
    return ES_OK;
}
