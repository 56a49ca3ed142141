/*
 * Reference fixed-point average pooling over the window cells inside the image.
 *
 * The exact mean sum / count is quantized once: at the output LSB it is a
 * quotient whose remainder decides the rounding as dropped bits do in a cast
 * (es_fx_cast_quotient). The fused activation clamps the exact mean, so its
 * bounds scale with the count.
 */
#include "es_nn.h"
#include "es_nn_fx_support.h"

static int geometry_is_valid(const es_pool_fx_params *p, const es_dims *in, const es_dims *out)
{
    es_pool_params window;
    window.window = p->window;
    window.stride = p->stride;
    window.padding = p->padding;
    window.activation = es_full_range_s8();
    return es_pool_geometry_is_valid(&window, in, out);
}

/* A clamp bound of one value times the count; the no-clamp bounds stay as they are. */
static int64_t scaled_bound(int64_t bound, int32_t count)
{
    return bound == INT64_MIN || bound == INT64_MAX ? bound : bound * count;
}

/* The mean sum / count (at the accumulator's binary point), clamped and cast. */
static int32_t mean(int64_t sum, int32_t count, const es_fx_output *out)
{
    const int64_t lo = scaled_bound(out->clamp_min, count);
    const int64_t hi = scaled_bound(out->clamp_max, count);
    int64_t num = sum < lo ? lo : sum;
    int64_t den = count;
    num = num > hi ? hi : num;
    if (out->drop >= 0) {
        den = es_shl64(den, out->drop);
    } else {
        num = es_shl64(num, -out->drop);
    }
    return es_fx_cast_quotient(num, den, &out->type);
}

es_status es_avg_pool2d_fx(const es_pool_fx_params *params, const es_dims *input_dims,
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
    if (params->input_shift < 0 || params->input_shift > 30 || params->output.drop > 30 ||
        params->output.drop < -30 || !es_fx_output_is_valid(&params->output)) {
        return ES_ERR_RANGE;
    }

    for (oy = 0; oy < output_dims->h; ++oy) {
        const int32_t y0 = oy * params->stride.h - params->padding.h;
        int32_t ky_begin, ky_end;
        es_clip_window(y0, params->window.h, input_dims->h, &ky_begin, &ky_end);
        for (ox = 0; ox < output_dims->w; ++ox) {
            const int32_t x0 = ox * params->stride.w - params->padding.w;
            int32_t kx_begin, kx_end, count;
            es_clip_window(x0, params->window.w, input_dims->w, &kx_begin, &kx_end);
            count = (ky_end - ky_begin) * (kx_end - kx_begin);
            for (c = 0; c < output_dims->c; ++c) {
                int64_t sum = 0;
                for (ky = ky_begin; ky < ky_end; ++ky) {
                    for (kx = kx_begin; kx < kx_end; ++kx) {
                        sum += input[((y0 + ky) * input_dims->w + (x0 + kx)) * input_dims->c + c];
                    }
                }
                *output++ = mean(es_shl64(sum, params->input_shift), count, &params->output);
            }
        }
    }
    return ES_OK;
}
