/*
 * Reference int8 average pooling.
 *
 * The window cells outside the image are neither summed nor counted. Input
 * and output share one format, so there is no rescaling: the sum divided by
 * the count is rounded half away from zero, then clamped.
 */
#include "es_nn.h"
#include "es_nn_support.h"

es_status es_avg_pool2d_s8(const es_pool_params *params, const es_dims *input_dims,
                           const int8_t *input, const es_dims *output_dims, int8_t *output)
{
    es_window win;
    int32_t c, ky, kx;
    const es_status status = es_pool_begin_s8(&win, params, input_dims, input, output_dims, output);
    if (status != ES_OK) {
        return status;
    }

    while (es_window_next(&win)) {
        for (c = 0; c < win.input.c; ++c) {
            int32_t sum = 0;
            for (ky = win.ky_begin; ky < win.ky_end; ++ky) {
                for (kx = win.kx_begin; kx < win.kx_end; ++kx) {
                    sum += input[es_window_offset(&win, ky, kx) + c];
                }
            }
            *output++ =
                es_clamp_to_s8(es_rounded_average(sum, es_window_count(&win)), params->activation);
        }
    }
    return ES_OK;
}
