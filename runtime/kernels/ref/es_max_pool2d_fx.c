/*
 * Reference fixed-point max pooling over the window cells inside the image.
 *
 * The maximum is exact; it is aligned to the accumulator's binary point (the
 * fused activation's bounds may need a coarser one), clamped and cast once.
 */
#include "es_nn.h"
#include "es_nn_fx_support.h"

es_status es_max_pool2d_fx(const es_pool_fx_params *params, const es_dims *input_dims,
                           const int32_t *input, const es_dims *output_dims, int32_t *output)
{
    es_window win;
    int32_t c, ky, kx;
    const es_status status = es_pool_begin_fx(&win, params, input_dims, input, output_dims, output);
    if (status != ES_OK) {
        return status;
    }

    while (es_window_next(&win)) {
        for (c = 0; c < win.input.c; ++c) {
            int32_t best = INT32_MIN;
            for (ky = win.ky_begin; ky < win.ky_end; ++ky) {
                for (kx = win.kx_begin; kx < win.kx_end; ++kx) {
                    const int32_t v = input[es_window_offset(&win, ky, kx) + c];
                    best = v > best ? v : best;
                }
            }
            *output++ = es_fx_recast(best, params->input_shift, &params->output);
        }
    }
    return ES_OK;
}
