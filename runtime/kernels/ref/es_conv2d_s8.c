/*
 * Reference int8 2-D convolution (NHWC input, OHWI weights), per-channel requantized.
 *
 * The int32 accumulator sums weight * (input + input_offset) over the taps
 * that fall inside the image; padding contributes nothing, which is the same
 * as padding with the input zero point.
 */
#include "es_nn.h"
#include "es_nn_support.h"

static int32_t accumulate(const es_conv_params *p, const es_window *win, const int8_t *input,
                          const es_dims *f_dims, const int8_t *filter, int32_t out_c)
{
    int32_t acc = 0;
    int32_t ky, kx, ic;
    for (ky = win->ky_begin; ky < win->ky_end; ++ky) {
        for (kx = win->kx_begin; kx < win->kx_end; ++kx) {
            const int8_t *in_px = input + es_window_offset(win, ky, kx);
            const int8_t *w_px = filter + es_conv_filter_offset(f_dims, out_c, ky, kx);
            for (ic = 0; ic < f_dims->c; ++ic) {
                acc += (int32_t)w_px[ic] * ((int32_t)in_px[ic] + p->input_offset);
            }
        }
    }
    return acc;
}

es_status es_conv2d_s8(const es_context *ctx, const es_conv_params *params,
                       const es_per_channel_quant_params *quant, const es_dims *input_dims,
                       const int8_t *input, const es_dims *filter_dims, const int8_t *filter,
                       const int32_t *bias, const es_dims *output_dims, int8_t *output)
{
    es_window win;
    es_status status;
    int32_t oc;
    (void)ctx;
    status = es_conv_begin_s8(&win, params, quant, input_dims, input, filter_dims, filter,
                              output_dims, output);
    if (status != ES_OK) {
        return status;
    }

    while (es_window_next(&win)) {
        for (oc = 0; oc < filter_dims->n; ++oc) {
            const int32_t acc = accumulate(params, &win, input, filter_dims, filter, oc);
            *output++ =
                es_conv_output_s8(acc, bias, quant, oc, params->output_offset, params->activation);
        }
    }
    return ES_OK;
}

int32_t es_conv2d_s8_get_buffer_size(const es_dims *input_dims, const es_dims *filter_dims)
{
    (void)input_dims;
    (void)filter_dims;
    return 0;
}
