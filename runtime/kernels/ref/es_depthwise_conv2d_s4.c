/*
 * Reference sub-byte depthwise 2-D convolution: the int8 arithmetic of
 * es_depthwise_conv2d_s8 on operands packed 4 or 2 bits a value (es_packing).
 */
#include "es_nn.h"
#include "es_nn_fx_support.h"

static int params_are_valid(const es_dw_conv_params *p, const es_packing *bits)
{
    return p->depth_multiplier >= 1 && p->stride.h >= 1 && p->stride.w >= 1 && p->dilation.h >= 1 &&
           p->dilation.w >= 1 && p->padding.h >= 0 && p->padding.w >= 0 &&
           es_activation_is_valid(p->activation) && es_packed_bits_are_valid(bits->input_bits) &&
           es_packed_bits_are_valid(bits->filter_bits) &&
           es_packed_bits_are_valid(bits->output_bits) &&
           es_activation_fits_bits(p->activation, bits->output_bits);
}

static int32_t accumulate(const es_dw_conv_params *p, const es_packing *bits,
                          const es_dims *in_dims, const uint8_t *input, const es_dims *f_dims,
                          const uint8_t *filter, int32_t out_y, int32_t out_x, int32_t out_c)
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
            int32_t x, w;
            if (ix < 0 || ix >= in_dims->w) {
                continue;
            }
            x = es_packed_get(input, (iy * in_dims->w + ix) * in_dims->c + in_c, bits->input_bits);
            w = es_packed_get(filter, (ky * f_dims->w + kx) * f_dims->c + out_c, bits->filter_bits);
            acc += w * (x + p->input_offset);
        }
    }
    return acc;
}

es_status es_depthwise_conv2d_s4(const es_context *ctx, const es_dw_conv_params *params,
                                 const es_per_channel_quant_params *quant,
                                 const es_packing *packing, const es_dims *input_dims,
                                 const int8_t *input, const es_dims *filter_dims,
                                 const uint8_t *filter, const int32_t *bias,
                                 const es_dims *output_dims, int8_t *output)
{
    const uint8_t *in_bytes = (const uint8_t *)input;
    uint8_t *out_bytes = (uint8_t *)output;
    int32_t oy, ox, oc, index = 0;
    (void)ctx;
    if (params == NULL || quant == NULL || quant->multiplier == NULL || quant->shift == NULL ||
        packing == NULL || input_dims == NULL || input == NULL || filter_dims == NULL ||
        filter == NULL || output_dims == NULL || output == NULL || !es_dims_are_valid(input_dims) ||
        !es_dims_are_valid(filter_dims) || !es_dims_are_valid(output_dims)) {
        return ES_ERR_ARG;
    }
    if (!params_are_valid(params, packing)) {
        return ES_ERR_RANGE;
    }
    if (input_dims->n != 1 || output_dims->n != 1 || filter_dims->n != 1 ||
        filter_dims->c != input_dims->c * params->depth_multiplier ||
        output_dims->c != filter_dims->c) {
        return ES_ERR_SHAPE;
    }
    for (oc = 0; oc < output_dims->c; ++oc) {
        if (!es_shift_is_valid(quant->shift[oc])) {
            return ES_ERR_RANGE;
        }
    }

    for (oy = 0; oy < output_dims->h; ++oy) {
        for (ox = 0; ox < output_dims->w; ++ox) {
            for (oc = 0; oc < output_dims->c; ++oc) {
                int32_t acc = accumulate(params, packing, input_dims, in_bytes, filter_dims, filter,
                                         oy, ox, oc);
                if (bias != NULL) {
                    acc += bias[oc];
                }
                acc = es_multiply_by_quantized_multiplier(acc, quant->multiplier[oc],
                                                          quant->shift[oc]);
                es_packed_set(out_bytes, index++, packing->output_bits,
                              es_clamp_to_s8(acc + params->output_offset, params->activation));
            }
        }
    }
    return ES_OK;
}
