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
    es_window win;
    int32_t c, ky, kx;
    const es_status status = es_pool_begin_fx(&win, params, input_dims, input, output_dims, output);
    if (status != ES_OK) {
        return status;
    }
    if (params->output.drop > 30 || params->output.drop < -30) {
        return ES_ERR_RANGE;
    }

    while (es_window_next(&win)) {
        for (c = 0; c < win.input.c; ++c) {
            int64_t sum = 0;
            for (ky = win.ky_begin; ky < win.ky_end; ++ky) {
                for (kx = win.kx_begin; kx < win.kx_end; ++kx) {
                    sum += input[es_window_offset(&win, ky, kx) + c];
                }
            }
            *output++ =
                mean(es_shl64(sum, params->input_shift), es_window_count(&win), &params->output);
        }
    }
    return ES_OK;
}
