/*
 * Reference int8 depthwise 2-D convolution, per-channel requantized.
 *
 * Weights are [1, KH, KW, C * M]; output channel oc = ic * M + m reads input
 * channel ic = oc / M. Padding contributes nothing to the accumulator.
 *
 * Two entry points compute every output with the same function
 * (output_value): es_depthwise_conv2d_s8 writes a separate output buffer;
 * es_depthwise_conv2d_s8_inplace (M = 1) writes the output over its input,
 * one channel at a time through a scratch buffer of OH * OW bytes, the
 * contract of the memory planner's in-place depthwise (TinyEngine-style).
 */
#include "es_nn.h"
#include "es_nn_support.h"

static inline int32_t accumulate(const es_dw_conv_params *p, const es_dims *in_dims,
                                 const int8_t *input, const es_dims *f_dims, const int8_t *filter,
                                 int32_t out_y, int32_t out_x, int32_t out_c)
{
    const int32_t y0 = out_y * p->stride.h - p->padding.h;
    const int32_t x0 = out_x * p->stride.w - p->padding.w;
    const int32_t in_c = out_c / p->depth_multiplier;
    int32_t acc = 0;
    int32_t ky, kx;
    for (ky = 0; ky < f_dims->h; ++ky) {
        const int32_t iy = y0 + ky * p->dilation.h;
        if (iy < 0 || iy >= in_dims->h) {
            continue;
        }
        for (kx = 0; kx < f_dims->w; ++kx) {
            const int32_t ix = x0 + kx * p->dilation.w;
            int32_t in_val, w_val;
            if (ix < 0 || ix >= in_dims->w) {
                continue;
            }
            in_val = input[(iy * in_dims->w + ix) * in_dims->c + in_c];
            w_val = filter[(ky * f_dims->w + kx) * f_dims->c + out_c];
            acc += w_val * (in_val + p->input_offset);
        }
    }
    return acc;
}

/* Output (out_y, out_x, out_c): accumulate, add the bias, requantize, clamp. */
static inline int8_t output_value(const es_dw_conv_params *p,
                                  const es_per_channel_quant_params *quant,
                                  const es_dims *in_dims, const int8_t *input,
                                  const es_dims *f_dims, const int8_t *filter,
                                  const int32_t *bias, int32_t out_y, int32_t out_x, int32_t out_c)
{
    int32_t acc = accumulate(p, in_dims, input, f_dims, filter, out_y, out_x, out_c);
    if (bias != NULL) {
        acc += bias[out_c];
    }
    acc = es_multiply_by_quantized_multiplier(acc, quant->multiplier[out_c], quant->shift[out_c]);
    return es_clamp_to_s8(acc + p->output_offset, p->activation);
}

es_status es_depthwise_conv2d_s8(const es_context *ctx, const es_dw_conv_params *params,
                                 const es_per_channel_quant_params *quant,
                                 const es_dims *input_dims, const int8_t *input,
                                 const es_dims *filter_dims, const int8_t *filter,
                                 const int32_t *bias, const es_dims *output_dims, int8_t *output)
{
    int32_t oy, ox, oc;
    es_status status;
    (void)ctx;
    if (input == NULL || output == NULL) {
        return ES_ERR_ARG;
    }
    status = es_dw_conv_check_s8(params, quant, input_dims, filter_dims, filter, output_dims);
    if (status != ES_OK) {
        return status;
    }
    for (oy = 0; oy < output_dims->h; ++oy) {
        for (ox = 0; ox < output_dims->w; ++ox) {
            for (oc = 0; oc < output_dims->c; ++oc) {
                *output++ = output_value(params, quant, input_dims, input, filter_dims, filter,
                                         bias, oy, ox, oc);
            }
        }
    }
    return ES_OK;
}

/*
 * Channel c reads only input channel c, and its outputs go to the channel-c
 * slots of the first OH * OW pixels, which held input channel c: so once a
 * channel is complete in the scratch, its slots are free, and every later
 * channel still finds its own input intact.
 */
es_status es_depthwise_conv2d_s8_inplace(const es_context *ctx, const es_dw_conv_params *params,
                                         const es_per_channel_quant_params *quant,
                                         const es_dims *input_dims, int8_t *data,
                                         const es_dims *filter_dims, const int8_t *filter,
                                         const int32_t *bias, const es_dims *output_dims,
                                         int8_t *scratch)
{
    int32_t oy, ox, c, p, channels, pixels;
    es_status status;
    (void)ctx;
    status = es_dw_conv_inplace_check_s8(params, quant, input_dims, data, filter_dims, filter,
                                         output_dims, scratch);
    if (status != ES_OK) {
        return status;
    }
    channels = output_dims->c;
    pixels = output_dims->h * output_dims->w;
    for (c = 0; c < channels; ++c) {
        int8_t *out = scratch;
        for (oy = 0; oy < output_dims->h; ++oy) {
            for (ox = 0; ox < output_dims->w; ++ox) {
                *out++ = output_value(params, quant, input_dims, data, filter_dims, filter, bias,
                                      oy, ox, c);
            }
        }
        for (p = 0; p < pixels; ++p) {
            data[p * channels + c] = scratch[p];
        }
    }
    return ES_OK;
}

int32_t es_depthwise_conv2d_s8_get_buffer_size(const es_dims *input_dims,
                                               const es_dims *filter_dims)
{
    (void)input_dims;
    (void)filter_dims;
    return 0;
}
