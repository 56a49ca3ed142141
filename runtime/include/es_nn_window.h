/*
 * edgesmith C runtime: the windows of the convolution and pooling kernels.
 *
 * Output pixel (oy, ox) puts tap (ky, kx) of a KH x KW window on input pixel
 * (oy * stride.h - padding.h + ky * dilation.h,
 *  ox * stride.w - padding.w + kx * dilation.w).
 * Taps in the padding add nothing to a convolution and are left out of a
 * pooling, so every kernel visits only the taps inside the image: es_window
 * walks the output pixels in row-major (NHWC) order and holds, for the
 * current one, the ranges of those taps, computed once per pixel so that the
 * tap loops carry no bounds checks:
 *
 *     status = es_conv_window_begin(&win, ...);  (es_dw_conv_window_begin, es_pool_window_begin)
 *     while (es_window_next(&win)) {
 *         taps [win.ky_begin, win.ky_end) x [win.kx_begin, win.kx_end), at es_window_offset
 *     }
 */
#ifndef ES_NN_WINDOW_H
#define ES_NN_WINDOW_H

#include <stdint.h>

#include "es_nn_shapes.h"
#include "es_nn_types.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Stride and dilation at least 1, padding at least 0. */
static inline int es_window_steps_are_valid(es_tile stride, es_tile dilation, es_tile padding)
{
    return stride.h >= 1 && stride.w >= 1 && dilation.h >= 1 && dilation.w >= 1 && padding.h >= 0 &&
           padding.w >= 0;
}

/*
 * Pooling geometry: one sample, equal channels, window and stride >= 1,
 * padding >= 0, and every window overlapping the image (the first and last
 * windows along each axis are the extreme ones).
 */
static inline int es_pool_geometry_is_valid(es_tile window, es_tile stride, es_tile padding,
                                            const es_dims *in, const es_dims *out)
{
    const int32_t last_y = (out->h - 1) * stride.h - padding.h;
    const int32_t last_x = (out->w - 1) * stride.w - padding.w;
    if (in->n != 1 || out->n != 1 || in->c != out->c) {
        return 0;
    }
    if (window.h < 1 || window.w < 1 || stride.h < 1 || stride.w < 1 || padding.h < 0 ||
        padding.w < 0) {
        return 0;
    }
    return window.h > padding.h && window.w > padding.w && last_y < in->h && last_x < in->w;
}

typedef struct {
    es_tile kernel; /* taps: the filter's KH x KW, or the pooling window */
    es_tile stride;
    es_tile dilation;
    es_tile padding;          /* top, left */
    es_dims input;            /* n unused */
    int32_t out_h, out_w;     /* output pixels */
    int32_t oy, ox;           /* the current output pixel */
    int32_t y0, x0;           /* the input pixel of its tap (0, 0); negative in the padding */
    int32_t ky_begin, ky_end; /* the taps with 0 <= y0 + ky * dilation.h < input.h */
    int32_t kx_begin, kx_end; /* the taps with 0 <= x0 + kx * dilation.w < input.w */
} es_window;

/* [*begin, *end): the taps k < taps at origin + k * dilation that lie in [0, size). */
static inline void es_clip_taps(int32_t origin, int32_t taps, int32_t dilation, int32_t size,
                                int32_t *begin, int32_t *end)
{
    int32_t first = 0, last = taps;
    while (first < last && origin + first * dilation < 0) {
        ++first;
    }
    while (last > first && origin + (last - 1) * dilation >= size) {
        --last;
    }
    *begin = first;
    *end = last;
}

/* Place the window of the current output pixel. */
static inline void es_window_place(es_window *w)
{
    w->y0 = w->oy * w->stride.h - w->padding.h;
    w->x0 = w->ox * w->stride.w - w->padding.w;
    es_clip_taps(w->y0, w->kernel.h, w->dilation.h, w->input.h, &w->ky_begin, &w->ky_end);
    es_clip_taps(w->x0, w->kernel.w, w->dilation.w, w->input.w, &w->kx_begin, &w->kx_end);
}

static inline void es_window_start(es_window *w, const es_dims *in, const es_dims *out,
                                   es_tile kernel, es_tile stride, es_tile dilation,
                                   es_tile padding)
{
    w->kernel = kernel;
    w->stride = stride;
    w->dilation = dilation;
    w->padding = padding;
    w->input = *in;
    w->out_h = out->h;
    w->out_w = out->w;
    w->oy = 0;
    w->ox = -1; /* before the first pixel: es_window_next places it */
}

/*
 * Check a convolution's geometry (ES_ERR_SHAPE: es_conv_shapes_agree;
 * ES_ERR_RANGE: stride, dilation, padding) and start before output pixel (0, 0).
 */
static inline es_status es_conv_window_begin(es_window *w, const es_dims *in, const es_dims *filter,
                                             const es_dims *out, es_tile stride, es_tile dilation,
                                             es_tile padding)
{
    es_tile kernel;
    if (!es_conv_shapes_agree(in, filter, out)) {
        return ES_ERR_SHAPE;
    }
    if (!es_window_steps_are_valid(stride, dilation, padding)) {
        return ES_ERR_RANGE;
    }
    kernel.h = filter->h;
    kernel.w = filter->w;
    es_window_start(w, in, out, kernel, stride, dilation, padding);
    return ES_OK;
}

/*
 * Check a depthwise convolution's geometry (ES_ERR_RANGE: depth multiplier,
 * stride, dilation, padding; then ES_ERR_SHAPE: es_dw_conv_shapes_agree) and
 * start before output pixel (0, 0).
 */
static inline es_status es_dw_conv_window_begin(es_window *w, const es_dims *in,
                                                const es_dims *filter, const es_dims *out,
                                                int32_t depth_multiplier, es_tile stride,
                                                es_tile dilation, es_tile padding)
{
    es_tile kernel;
    if (depth_multiplier < 1 || !es_window_steps_are_valid(stride, dilation, padding)) {
        return ES_ERR_RANGE;
    }
    if (!es_dw_conv_shapes_agree(in, filter, out, depth_multiplier)) {
        return ES_ERR_SHAPE;
    }
    kernel.h = filter->h;
    kernel.w = filter->w;
    es_window_start(w, in, out, kernel, stride, dilation, padding);
    return ES_OK;
}

/* Check a pooling's geometry (ES_ERR_SHAPE) and start before output pixel (0, 0); taps one apart.
 */
static inline es_status es_pool_window_begin(es_window *w, const es_dims *in, const es_dims *out,
                                             es_tile window, es_tile stride, es_tile padding)
{
    es_tile one;
    if (!es_pool_geometry_is_valid(window, stride, padding, in, out)) {
        return ES_ERR_SHAPE;
    }
    one.h = 1;
    one.w = 1;
    es_window_start(w, in, out, window, stride, one, padding);
    return ES_OK;
}

/* Move to the next output pixel and place its window; 0 after the last one. */
static inline int es_window_next(es_window *w)
{
    if (++w->ox == w->out_w) {
        w->ox = 0;
        if (++w->oy == w->out_h) {
            return 0;
        }
    }
    es_window_place(w);
    return 1;
}

/* Offset of channel 0 of the input pixel under tap (ky, kx) (one sample, NHWC). */
static inline int32_t es_window_offset(const es_window *w, int32_t ky, int32_t kx)
{
    return ((w->y0 + ky * w->dilation.h) * w->input.w + w->x0 + kx * w->dilation.w) * w->input.c;
}

/* Offset of the weight of input channel 0 at tap (ky, kx) of output channel oc, OHWI filter. */
static inline int32_t es_conv_filter_offset(const es_dims *f, int32_t oc, int32_t ky, int32_t kx)
{
    return ((oc * f->h + ky) * f->w + kx) * f->c;
}

/* Offset of the weight of output channel oc at tap (ky, kx), depthwise [1, KH, KW, C * M]. */
static inline int32_t es_dw_filter_offset(const es_dims *f, int32_t oc, int32_t ky, int32_t kx)
{
    return (ky * f->w + kx) * f->c + oc;
}

/* How many taps lie inside the image (the divisor of an average pooling). */
static inline int32_t es_window_count(const es_window *w)
{
    return (w->ky_end - w->ky_begin) * (w->kx_end - w->kx_begin);
}

#ifdef __cplusplus
}
#endif

#endif /* ES_NN_WINDOW_H */
