/*
 * Reference fixed-point depthwise 2-D convolution.
 *
 * Weights are [1, KH, KW, C * M]; output channel oc reads input channel
 * oc / M. Exact int64 products and sums, then bias, fused activation and one
 * cast (es_fx_mac_output).
 */
#include "es_nn.h"
#include "es_nn_fx_support.h"

static int64_t accumulate(const es_window *win, const int32_t *input, int32_t in_c,
                          const es_dims *f_dims, const void *filter, int32_t bytes, int32_t out_c)
{
    int64_t sum = 0;
    int32_t ky, kx;
    for (ky = win->ky_begin; ky < win->ky_end; ++ky) {
        for (kx = win->kx_begin; kx < win->kx_end; ++kx) {
            sum += (int64_t)input[es_window_offset(win, ky, kx) + in_c] *
                   es_fx_weight(filter, bytes, es_dw_filter_offset(f_dims, out_c, ky, kx));
        }
    }
    return sum;
}

/* The filter holds `bytes`-byte raw weights (es_fx_weight); one body for every width. */
static es_status depthwise_conv2d(const es_dw_conv_fx_params *params, const es_dims *input_dims,
                                  const int32_t *input, const es_dims *filter_dims,
                                  const void *filter, int32_t bytes, const int32_t *bias,
                                  const es_dims *output_dims, int32_t *output)
{
    es_window win;
    es_status status;
    int32_t oc;
    if (!es_filter_args_are_valid(params, input_dims, input, filter_dims, filter, output_dims,
                                  output)) {
        return ES_ERR_ARG;
    }
    if (!es_fx_mac_is_valid(&params->mac)) {
        return ES_ERR_RANGE;
    }
    status = es_dw_conv_window_begin(&win, input_dims, filter_dims, output_dims,
                                     params->depth_multiplier, params->stride, params->dilation,
                                     params->padding);
    if (status != ES_OK) {
        return status;
    }

    while (es_window_next(&win)) {
        for (oc = 0; oc < filter_dims->c; ++oc) {
            const int64_t sum =
                accumulate(&win, input, oc / params->depth_multiplier, filter_dims, filter,
                           bytes, oc);
            *output++ = es_fx_mac_output(sum, bias, oc, &params->mac);
        }
    }
    return ES_OK;
}

es_status es_depthwise_conv2d_fx(const es_context *ctx, const es_dw_conv_fx_params *params,
                                 const es_dims *input_dims, const int32_t *input,
                                 const es_dims *filter_dims, const int32_t *filter,
                                 const int32_t *bias, const es_dims *output_dims, int32_t *output)
{
    (void)ctx;
    return depthwise_conv2d(params, input_dims, input, filter_dims, filter, 4, bias, output_dims,
                            output);
}

es_status es_depthwise_conv2d_w16_fx(const es_context *ctx, const es_dw_conv_fx_params *params,
                                     const es_dims *input_dims, const int32_t *input,
                                     const es_dims *filter_dims, const int16_t *filter,
                                     const int32_t *bias, const es_dims *output_dims,
                                     int32_t *output)
{
    (void)ctx;
    return depthwise_conv2d(params, input_dims, input, filter_dims, filter, 2, bias, output_dims,
                            output);
}

es_status es_depthwise_conv2d_w8_fx(const es_context *ctx, const es_dw_conv_fx_params *params,
                                    const es_dims *input_dims, const int32_t *input,
                                    const es_dims *filter_dims, const int8_t *filter,
                                    const int32_t *bias, const es_dims *output_dims,
                                    int32_t *output)
{
    (void)ctx;
    return depthwise_conv2d(params, input_dims, input, filter_dims, filter, 1, bias, output_dims,
                            output);
}
