/*
 * Reference sub-byte average pooling: the arithmetic of es_avg_pool2d_s8, the
 * sum divided by the count of cells inside the image, rounded half away from
 * zero, on values packed `bits` (4 or 2; 8 means plain int8) a value; input
 * and output share one format.
 */
#include "es_nn.h"
#include "es_nn_fx_support.h"

/* sum / count rounded half away from zero (C99 division truncates toward zero). */
static int32_t rounded_average(int32_t sum, int32_t count)
{
    return sum > 0 ? (sum + count / 2) / count : (sum - count / 2) / count;
}

es_status es_avg_pool2d_s4(const es_pool_params *params, int32_t bits, const es_dims *input_dims,
                           const int8_t *input, const es_dims *output_dims, int8_t *output)
{
    const uint8_t *in_bytes = (const uint8_t *)input;
    uint8_t *out_bytes = (uint8_t *)output;
    int32_t oy, ox, c, ky, kx, index = 0;
    if (params == NULL || input_dims == NULL || input == NULL || output_dims == NULL ||
        output == NULL || !es_dims_are_valid(input_dims) || !es_dims_are_valid(output_dims)) {
        return ES_ERR_ARG;
    }
    if (!es_pool_geometry_is_valid(params, input_dims, output_dims)) {
        return ES_ERR_SHAPE;
    }
    if (!es_packed_bits_are_valid(bits) || !es_activation_fits_bits(params->activation, bits)) {
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
                int32_t sum = 0;
                for (ky = ky_begin; ky < ky_end; ++ky) {
                    for (kx = kx_begin; kx < kx_end; ++kx) {
                        const int32_t at =
                            ((y0 + ky) * input_dims->w + (x0 + kx)) * input_dims->c + c;
                        sum += es_packed_get(in_bytes, at, bits);
                    }
                }
                es_packed_set(out_bytes, index++, bits,
                              es_clamp_to_s8(rounded_average(sum, count), params->activation));
            }
        }
    }
    return ES_OK;
}
