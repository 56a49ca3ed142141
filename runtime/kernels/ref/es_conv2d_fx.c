/*
 * Reference fixed-point 2-D convolution (NHWC input, OHWI weights).
 *
 * Exact int64 products and sums over the taps inside the image (padding adds
 * nothing), then bias, fused activation and one cast (es_fx_finish).
 */
#include "es_nn.h"
#include "es_nn_fx_support.h"

static int geometry_is_valid(const es_conv_fx_params *p)
{
    return p->stride.h >= 1 && p->stride.w >= 1 && p->dilation.h >= 1 && p->dilation.w >= 1 &&
           p->padding.h >= 0 && p->padding.w >= 0;
}

static int64_t accumulate(const es_conv_fx_params *p, const es_dims *in_dims, const int32_t *input,
                          const es_dims *f_dims, const int32_t *filter, int32_t out_y,
                          int32_t out_x, int32_t out_c)
{
    const int32_t y0 = out_y * p->stride.h - p->padding.h;
    const int32_t x0 = out_x * p->stride.w - p->padding.w;
    int64_t sum = 0;
    int32_t ky, kx, ic;
    for (ky = 0; ky < f_dims->h; ++ky) {
        const int32_t iy = y0 + ky * p->dilation.h;
        if (iy < 0 || iy >= in_dims->h) {
            continue;
        }
        for (kx = 0; kx < f_dims->w; ++kx) {
            const int32_t ix = x0 + kx * p->dilation.w;
            const int32_t *in_px;
            const int32_t *w_px;
            if (ix < 0 || ix >= in_dims->w) {
                continue;
            }
            in_px = input + (iy * in_dims->w + ix) * in_dims->c;
            w_px = filter + ((out_c * f_dims->h + ky) * f_dims->w + kx) * f_dims->c;
            for (ic = 0; ic < in_dims->c; ++ic) {
                sum += (int64_t)in_px[ic] * w_px[ic];
            }
        }
    }
    return sum;
}

es_status es_conv2d_fx(const es_context *ctx, const es_conv_fx_params *params,
                       const es_dims *input_dims, const int32_t *input, const es_dims *filter_dims,
                       const int32_t *filter, const int32_t *bias, const es_dims *output_dims,
                       int32_t *output)
{
    int32_t oy, ox, oc;
    (void)ctx;
    if (params == NULL || input_dims == NULL || input == NULL || filter_dims == NULL ||
        filter == NULL || output_dims == NULL || output == NULL || !es_dims_are_valid(input_dims) ||
        !es_dims_are_valid(filter_dims) || !es_dims_are_valid(output_dims)) {
        return ES_ERR_ARG;
    }
    if (input_dims->n != 1 || output_dims->n != 1 || filter_dims->c != input_dims->c ||
        output_dims->c != filter_dims->n) {
        return ES_ERR_SHAPE;
    }
    if (!geometry_is_valid(params) || !es_fx_mac_is_valid(&params->mac)) {
        return ES_ERR_RANGE;
    }

    for (oy = 0; oy < output_dims->h; ++oy) {
        for (ox = 0; ox < output_dims->w; ++ox) {
            for (oc = 0; oc < output_dims->c; ++oc) {
                const int64_t sum =
                    accumulate(params, input_dims, input, filter_dims, filter, oy, ox, oc);
                *output++ = es_fx_finish(es_fx_accumulator(sum, bias, oc, &params->mac),
                                         &params->mac.output);
            }
        }
    }
    return ES_OK;
}
