/*
 * Reference 16x8 convolutions (TFLite Micro's int16 CONV_2D and DEPTHWISE_CONV_2D): int16
 * input with zero point 0, so padding adds nothing; int8 weights, int64 bias, a 64-bit
 * accumulator per output value, requantized per channel (es_quant16_output).
 */
#include "es_nn.h"
#include "es_nn_support.h"

/* Sum over the taps inside the image of weight * input for output channel out_c: over every
 * input channel (conv), or over input channel in_c alone (depthwise). */
static int64_t accumulate(const es_window *win, const int16_t *input, const int8_t *filter,
                          const es_dims *f_dims, int32_t out_c, int32_t in_c,
                          int depthwise)
{
    int64_t acc = 0;
    int32_t ky, kx, ic;
    for (ky = win->ky_begin; ky < win->ky_end; ++ky) {
        for (kx = win->kx_begin; kx < win->kx_end; ++kx) {
            const int16_t *in_px = input + es_window_offset(win, ky, kx);
            if (depthwise) {
                acc += (int64_t)filter[es_dw_filter_offset(f_dims, out_c, ky, kx)] * in_px[in_c];
                continue;
            }
            for (ic = 0; ic < f_dims->c; ++ic) {
                acc += (int64_t)filter[es_conv_filter_offset(f_dims, out_c, ky, kx) + ic] *
                       in_px[ic];
            }
        }
    }
    return acc;
}

/* Both convolutions: depth_multiplier 0 is a plain convolution. */
static es_status convolve16(const void *params, int32_t depth_multiplier, es_tile stride,
                            es_tile dilation, es_tile padding, const es_quant16_params *quant,
                            const es_dims *input_dims, const int16_t *input,
                            const es_dims *filter_dims, const int8_t *filter,
                            const int64_t *bias, const es_dims *output_dims, int16_t *output)
{
    es_window win;
    es_status status;
    int32_t oc;
    if (quant == NULL || !es_filter_args_are_valid(params, input_dims, input, filter_dims,
                                                   filter, output_dims, output)) {
        return ES_ERR_ARG;
    }
    status = depth_multiplier == 0
                 ? es_conv_window_begin(&win, input_dims, filter_dims, output_dims, stride,
                                        dilation, padding)
                 : es_dw_conv_window_begin(&win, input_dims, filter_dims, output_dims,
                                           depth_multiplier, stride, dilation, padding);
    if (status != ES_OK) {
        return status;
    }
    if (!es_quant16_is_valid(quant, output_dims->c)) {
        return ES_ERR_RANGE;
    }
    while (es_window_next(&win)) {
        for (oc = 0; oc < output_dims->c; ++oc) {
            const int64_t acc = depth_multiplier == 0
                ? accumulate(&win, input, filter, filter_dims, oc, 0, 0)
                : accumulate(&win, input, filter, filter_dims, oc, oc / depth_multiplier, 1);
            *output++ = es_quant16_output(quant, acc, bias, oc);
        }
    }
    return ES_OK;
}

es_status es_conv2d_s16(const es_conv_params *params, const es_quant16_params *quant,
                        const es_dims *input_dims, const int16_t *input,
                        const es_dims *filter_dims, const int8_t *filter, const int64_t *bias,
                        const es_dims *output_dims, int16_t *output)
{
    if (params == NULL) {
        return ES_ERR_ARG;
    }
    return convolve16(params, 0, params->stride, params->dilation, params->padding, quant,
                      input_dims, input, filter_dims, filter, bias, output_dims, output);
}

es_status es_depthwise_conv2d_s16(const es_dw_conv_params *params,
                                  const es_quant16_params *quant, const es_dims *input_dims,
                                  const int16_t *input, const es_dims *filter_dims,
                                  const int8_t *filter, const int64_t *bias,
                                  const es_dims *output_dims, int16_t *output)
{
    if (params == NULL) {
        return ES_ERR_ARG;
    }
    if (params->depth_multiplier < 1) {
        return ES_ERR_RANGE;
    }
    return convolve16(params, params->depth_multiplier, params->stride, params->dilation,
                      params->padding, quant, input_dims, input, filter_dims, filter, bias,
                      output_dims, output);
}
