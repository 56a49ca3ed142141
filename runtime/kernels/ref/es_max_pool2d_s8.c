/*
 * Reference int8 max pooling.
 *
 * The window cells outside the image are ignored (not compared as a zero
 * point). Input and output share one format; only the clamp applies.
 */
#include "es_nn.h"
#include "es_nn_support.h"

es_status es_max_pool2d_s8(const es_pool_params *params, const es_dims *input_dims,
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
            int32_t max = INT8_MIN;
            for (ky = win.ky_begin; ky < win.ky_end; ++ky) {
                for (kx = win.kx_begin; kx < win.kx_end; ++kx) {
                    const int32_t v = input[es_window_offset(&win, ky, kx) + c];
                    max = v > max ? v : max;
                }
            }
            *output++ = es_clamp_to_s8(max, params->activation);
        }
    }
    return ES_OK;
}
