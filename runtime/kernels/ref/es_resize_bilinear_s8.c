/*
 * Reference int8 RESIZE_BILINEAR, as TFLite's integer kernel (ResizeBilinearInteger): each
 * output row and column maps to a position on a 2^10 grid between two input indices; the
 * four raw neighbours are weighted by products of 10-bit weights and the 2^20 sum rounded
 * once, half away from zero. The raw values are interpolated, so no format is involved.
 */
#include "es_nn.h"
#include "es_nn_shapes.h"

typedef struct {
    int32_t lower, upper, weight; /* weight of the upper index in 2^-10 (< 0 at an edge) */
} position;

static position locate(int32_t i, int32_t scale, int32_t half_pixel, int32_t in_size)
{
    position p;
    const int32_t scaled = i * scale + (half_pixel ? scale / 2 - 512 : 0);
    const int32_t upper = (scaled + 1023) / 1024; /* C division truncates toward zero */
    p.lower = scaled / 1024 > 0 ? scaled / 1024 : 0;
    p.upper = upper < in_size - 1 ? upper : in_size - 1;
    p.weight = scaled - 1024 * p.lower;
    return p;
}

es_status es_resize_bilinear_s8(const es_resize_bilinear_params *params,
                                const es_dims *input_dims, const int8_t *input,
                                const es_dims *output_dims, int8_t *output)
{
    int32_t n, y, x, c;
    if (params == NULL || input == NULL || output == NULL || !es_dims_are_valid(input_dims) ||
        !es_dims_are_valid(output_dims)) {
        return ES_ERR_ARG;
    }
    if (output_dims->n != input_dims->n || output_dims->c != input_dims->c) {
        return ES_ERR_SHAPE;
    }
    if (params->height_scale < 0 || params->width_scale < 0) {
        return ES_ERR_RANGE;
    }
    for (n = 0; n < output_dims->n; ++n) {
        for (y = 0; y < output_dims->h; ++y) {
            const position py = locate(y, params->height_scale, params->half_pixel_centers,
                                       input_dims->h);
            const int8_t *top = input + (n * input_dims->h + py.lower) * input_dims->w *
                                            input_dims->c;
            const int8_t *bottom = input + (n * input_dims->h + py.upper) * input_dims->w *
                                               input_dims->c;
            for (x = 0; x < output_dims->w; ++x) {
                const position px = locate(x, params->width_scale, params->half_pixel_centers,
                                           input_dims->w);
                const int64_t w_tl = (int64_t)(1024 - py.weight) * (1024 - px.weight);
                const int64_t w_bl = (int64_t)py.weight * (1024 - px.weight);
                const int64_t w_tr = (int64_t)(1024 - py.weight) * px.weight;
                const int64_t w_br = (int64_t)py.weight * px.weight;
                const int32_t left = px.lower * input_dims->c, right = px.upper * input_dims->c;
                for (c = 0; c < output_dims->c; ++c) {
                    const int64_t sum = top[left + c] * w_tl + bottom[left + c] * w_bl +
                                        top[right + c] * w_tr + bottom[right + c] * w_br;
                    const int64_t half = sum > 0 ? (1 << 19) : -(1 << 19);
                    *output++ = (int8_t)((sum + half) / (1 << 20));
                }
            }
        }
    }
    return ES_OK;
}
