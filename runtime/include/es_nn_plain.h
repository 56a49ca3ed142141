/*
 * edgesmith C runtime: the reference's plain loops for int8 convolutions: the reference
 * depthwise kernel is these loops, and the fast and Helium kernels fall back to them for
 * the shapes their buffers or vectors do not take. (The reference conv keeps its own
 * copy of the loop: with the window a local of the kernel, GCC keeps it in registers, a
 * third fewer instructions on the M4 than through this function.)
 */
#ifndef ES_NN_PLAIN_H
#define ES_NN_PLAIN_H

#include <stdint.h>

#include "es_nn_support.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Output channel oc of es_conv2d_s8 at the window's pixel: weight * (input +
 * input_offset) summed over the taps inside the image (padding adds nothing). */
static inline int32_t es_conv_acc_s8(const es_conv_params *p, const es_window *win,
                                     const int8_t *input, const es_dims *f, const int8_t *filter,
                                     int32_t oc)
{
    int32_t acc = 0, ky, kx, ic;
    for (ky = win->ky_begin; ky < win->ky_end; ++ky) {
        for (kx = win->kx_begin; kx < win->kx_end; ++kx) {
            const int8_t *in_px = input + es_window_offset(win, ky, kx);
            const int8_t *w_px = filter + es_conv_filter_offset(f, oc, ky, kx);
            for (ic = 0; ic < f->c; ++ic) {
                acc += (int32_t)w_px[ic] * ((int32_t)in_px[ic] + p->input_offset);
            }
        }
    }
    return acc;
}

/* es_conv2d_s8 over the window's pixels from where `win` stands. */
static inline void es_conv_plain_s8(const es_conv_params *p,
                                    const es_per_channel_quant_params *quant, es_window *win,
                                    const int8_t *input, const es_dims *f, const int8_t *filter,
                                    const int32_t *bias, int8_t *output)
{
    int32_t oc;
    while (es_window_next(win)) {
        for (oc = 0; oc < f->n; ++oc) {
            const int32_t acc = es_conv_acc_s8(p, win, input, f, filter, oc);
            *output++ = es_conv_output_s8(acc, bias, quant, oc, p->output_offset,
                                          p->activation);
        }
    }
}

/* Output (oy, ox, oc) of es_depthwise_conv2d_s8 (any depth multiplier): taps inside the
 * image, bias, requantization, clamp. */
static inline int8_t es_dw_conv_value_s8(const es_dw_conv_params *p,
                                         const es_per_channel_quant_params *quant,
                                         const es_dims *in, const int8_t *input,
                                         const es_dims *f, const int8_t *filter,
                                         const int32_t *bias, int32_t oy, int32_t ox, int32_t oc)
{
    const int32_t y0 = oy * p->stride.h - p->padding.h, x0 = ox * p->stride.w - p->padding.w;
    const int32_t ic = oc / p->depth_multiplier;
    int32_t acc = 0, ky, kx;
    for (ky = 0; ky < f->h; ++ky) {
        const int32_t iy = y0 + ky * p->dilation.h;
        if (iy < 0 || iy >= in->h) {
            continue;
        }
        for (kx = 0; kx < f->w; ++kx) {
            const int32_t ix = x0 + kx * p->dilation.w;
            if (ix < 0 || ix >= in->w) {
                continue;
            }
            acc += (int32_t)filter[(ky * f->w + kx) * f->c + oc] *
                   ((int32_t)input[(iy * in->w + ix) * in->c + ic] + p->input_offset);
        }
    }
    if (bias != NULL) {
        acc += bias[oc];
    }
    acc = es_multiply_by_quantized_multiplier(acc, quant->multiplier[oc], quant->shift[oc]);
    return es_clamp_to_s8(acc + p->output_offset, p->activation);
}

/* es_depthwise_conv2d_s8, output by output. */
static inline void es_dw_conv_plain_s8(const es_dw_conv_params *p,
                                       const es_per_channel_quant_params *quant,
                                       const es_dims *in, const int8_t *input, const es_dims *f,
                                       const int8_t *filter, const int32_t *bias,
                                       const es_dims *out, int8_t *output)
{
    int32_t oy, ox, oc;
    for (oy = 0; oy < out->h; ++oy) {
        for (ox = 0; ox < out->w; ++ox) {
            for (oc = 0; oc < out->c; ++oc) {
                *output++ = es_dw_conv_value_s8(p, quant, in, input, f, filter, bias, oy, ox, oc);
            }
        }
    }
}

/*
 * es_depthwise_conv2d_s8_inplace channel by channel: channel c reads only input channel c,
 * and its outputs go to the channel-c slots of the first OH * OW pixels, which held input
 * channel c: once a channel is complete in the scratch its slots are free, and every later
 * channel still finds its own input intact.
 */
static inline void es_dw_conv_inplace_plain_s8(const es_dw_conv_params *p,
                                               const es_per_channel_quant_params *quant,
                                               const es_dims *in, int8_t *data,
                                               const es_dims *f, const int8_t *filter,
                                               const int32_t *bias, const es_dims *out,
                                               int8_t *scratch)
{
    const int32_t channels = out->c, pixels = out->h * out->w;
    int32_t oy, ox, c, px;
    for (c = 0; c < channels; ++c) {
        int8_t *plane = scratch;
        for (oy = 0; oy < out->h; ++oy) {
            for (ox = 0; ox < out->w; ++ox) {
                *plane++ = es_dw_conv_value_s8(p, quant, in, data, f, filter, bias, oy, ox, c);
            }
        }
        for (px = 0; px < pixels; ++px) {
            data[px * channels + c] = scratch[px];
        }
    }
}

#ifdef __cplusplus
}
#endif

#endif /* ES_NN_PLAIN_H */
