/*
 * Reference fixed-point 2-D convolution (NHWC input, OHWI weights).
 *
 * Exact int64 products and sums over the taps inside the image (padding adds
 * nothing), then bias, fused activation and one cast (es_fx_mac_output).
 */
#include "es_nn.h"
#include "es_nn_fx_support.h"

static int64_t accumulate(const es_window *win, const int32_t *input, const es_dims *f_dims,
                          const void *filter, int32_t bytes, int32_t out_c)
{
    int64_t sum = 0;
    int32_t ky, kx, ic;
    for (ky = win->ky_begin; ky < win->ky_end; ++ky) {
        for (kx = win->kx_begin; kx < win->kx_end; ++kx) {
            const int32_t *in_px = input + es_window_offset(win, ky, kx);
            const int32_t w_px = es_conv_filter_offset(f_dims, out_c, ky, kx);
            for (ic = 0; ic < f_dims->c; ++ic) {
                sum += (int64_t)in_px[ic] * es_fx_weight(filter, bytes, w_px + ic);
            }
        }
    }
    return sum;
}

/* The filter holds `bytes`-byte raw weights (es_fx_weight); one body for every width. */
static es_status conv2d(const es_conv_fx_params *params, const es_dims *input_dims,
                        const int32_t *input, const es_dims *filter_dims, const void *filter,
                        int32_t bytes, const int32_t *bias, const es_dims *output_dims,
                        int32_t *output)
{
    es_window win;
    es_status status;
    int32_t oc;
    if (!es_filter_args_are_valid(params, input_dims, input, filter_dims, filter, output_dims,
                                  output)) {
        return ES_ERR_ARG;
    }
    status = es_conv_window_begin(&win, input_dims, filter_dims, output_dims, params->stride,
                                  params->dilation, params->padding);
    if (status != ES_OK) {
        return status;
    }
    if (!es_fx_mac_is_valid(&params->mac)) {
        return ES_ERR_RANGE;
    }

    while (es_window_next(&win)) {
        for (oc = 0; oc < filter_dims->n; ++oc) {
            const int64_t sum = accumulate(&win, input, filter_dims, filter, bytes, oc);
            *output++ = es_fx_mac_output(sum, bias, oc, &params->mac);
        }
    }
    return ES_OK;
}

es_status es_conv2d_fx(const es_context *ctx, const es_conv_fx_params *params,
                       const es_dims *input_dims, const int32_t *input, const es_dims *filter_dims,
                       const int32_t *filter, const int32_t *bias, const es_dims *output_dims,
                       int32_t *output)
{
    (void)ctx;
    return conv2d(params, input_dims, input, filter_dims, filter, 4, bias, output_dims, output);
}

es_status es_conv2d_w16_fx(const es_context *ctx, const es_conv_fx_params *params,
                           const es_dims *input_dims, const int32_t *input,
                           const es_dims *filter_dims, const int16_t *filter, const int32_t *bias,
                           const es_dims *output_dims, int32_t *output)
{
    (void)ctx;
    return conv2d(params, input_dims, input, filter_dims, filter, 2, bias, output_dims, output);
}

es_status es_conv2d_w8_fx(const es_context *ctx, const es_conv_fx_params *params,
                          const es_dims *input_dims, const int32_t *input,
                          const es_dims *filter_dims, const int8_t *filter, const int32_t *bias,
                          const es_dims *output_dims, int32_t *output)
{
    (void)ctx;
    return conv2d(params, input_dims, input, filter_dims, filter, 1, bias, output_dims, output);
}
