/*
 * Reference sub-byte 2-D convolution: the int8 arithmetic of es_conv2d_s8 on
 * operands packed 4 or 2 bits a value (es_packing; 8 means plain int8).
 *
 * Values are unpacked (sign-extended) as they are read and the output is
 * packed as it is written, in NHWC order. The clamp must lie inside the
 * output width's range: the generator intersects the fused activation with it.
 */
#include "es_nn.h"
#include "es_nn_lowbit_support.h"

static int32_t accumulate(const es_conv_params *p, const es_packing *bits, const es_window *win,
                          const uint8_t *input, const es_dims *f_dims, const uint8_t *filter,
                          int32_t out_c)
{
    int32_t acc = 0;
    int32_t ky, kx, ic;
    for (ky = win->ky_begin; ky < win->ky_end; ++ky) {
        for (kx = win->kx_begin; kx < win->kx_end; ++kx) {
            const int32_t in_px = es_window_offset(win, ky, kx);
            const int32_t w_px = es_conv_filter_offset(f_dims, out_c, ky, kx);
            for (ic = 0; ic < f_dims->c; ++ic) {
                const int32_t x = es_packed_get(input, in_px + ic, bits->input_bits);
                const int32_t w = es_packed_get(filter, w_px + ic, bits->filter_bits);
                acc += w * (x + p->input_offset);
            }
        }
    }
    return acc;
}

es_status es_conv2d_s4(const es_context *ctx, const es_conv_params *params,
                       const es_per_channel_quant_params *quant, const es_packing *packing,
                       const es_dims *input_dims, const int8_t *input, const es_dims *filter_dims,
                       const uint8_t *filter, const int32_t *bias, const es_dims *output_dims,
                       int8_t *output)
{
    const uint8_t *in_bytes = (const uint8_t *)input;
    uint8_t *out_bytes = (uint8_t *)output;
    es_window win;
    es_status status;
    int32_t oc, index = 0;
    (void)ctx;
    if (!es_filter_args_are_valid(params, input_dims, input, filter_dims, filter, output_dims,
                                  output) ||
        !es_per_channel_quant_is_present(quant) || packing == NULL) {
        return ES_ERR_ARG;
    }
    status = es_conv_window_begin(&win, input_dims, filter_dims, output_dims, params->stride,
                                  params->dilation, params->padding);
    if (status != ES_OK) {
        return status;
    }
    if (!es_activation_is_valid(params->activation) ||
        !es_packing_is_valid(packing, params->activation) ||
        !es_shifts_are_valid(quant->shift, output_dims->c)) {
        return ES_ERR_RANGE;
    }

    while (es_window_next(&win)) {
        for (oc = 0; oc < filter_dims->n; ++oc) {
            const int32_t acc =
                accumulate(params, packing, &win, in_bytes, filter_dims, filter, oc);
            es_packed_set(
                out_bytes, index++, packing->output_bits,
                es_conv_output_s8(acc, bias, quant, oc, params->output_offset, params->activation));
        }
    }
    return ES_OK;
}
