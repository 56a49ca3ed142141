/*
 * Reference fixed-point max pooling over the window cells inside the image.
 *
 * The maximum is exact; it is aligned to the accumulator's binary point (the
 * fused activation's bounds may need a coarser one), clamped and cast once.
 */
#include "es_nn.h"
#include "es_nn_fx_support.h"

/* Window and stride >= 1, padding >= 0, one sample, equal channels, no window off the image. */
static int geometry_is_valid(const es_pool_fx_params *p, const es_dims *in, const es_dims *out)
{
    es_pool_params window;
    window.window = p->window;
    window.stride = p->stride;
    window.padding = p->padding;
    window.activation = es_full_range_s8();
    return es_pool_geometry_is_valid(&window, in, out);
}

es_status es_max_pool2d_fx(const es_pool_fx_params *params, const es_dims *input_dims,
                           const int32_t *input, const es_dims *output_dims, int32_t *output)
{
    int32_t oy, ox, c, ky, kx;
    if (params == NULL || input_dims == NULL || input == NULL || output_dims == NULL ||
        output == NULL || !es_dims_are_valid(input_dims) || !es_dims_are_valid(output_dims)) {
        return ES_ERR_ARG;
    }
    if (!geometry_is_valid(params, input_dims, output_dims)) {
        return ES_ERR_SHAPE;
    }
    if (params->input_shift < 0 || params->input_shift > 30 ||
        !es_fx_output_is_valid(&params->output)) {
        return ES_ERR_RANGE;
    }

    for (oy = 0; oy < output_dims->h; ++oy) {
        const int32_t y0 = oy * params->stride.h - params->padding.h;
        int32_t ky_begin, ky_end;
        es_clip_window(y0, params->window.h, input_dims->h, &ky_begin, &ky_end);
        for (ox = 0; ox < output_dims->w; ++ox) {
            const int32_t x0 = ox * params->stride.w - params->padding.w;
            int32_t kx_begin, kx_end;
            es_clip_window(x0, params->window.w, input_dims->w, &kx_begin, &kx_end);
            for (c = 0; c < output_dims->c; ++c) {
                int32_t best = INT32_MIN;
                for (ky = ky_begin; ky < ky_end; ++ky) {
                    for (kx = kx_begin; kx < kx_end; ++kx) {
                        const int32_t v =
                            input[((y0 + ky) * input_dims->w + (x0 + kx)) * input_dims->c + c];
                        best = v > best ? v : best;
                    }
                }
                *output++ = es_fx_finish(es_shl64(best, params->input_shift), &params->output);
            }
        }
    }
    return ES_OK;
}
