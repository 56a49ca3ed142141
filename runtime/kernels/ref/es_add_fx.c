/*
 * Reference fixed-point elementwise add with broadcasting of size-1 dimensions.
 *
 * Both inputs are aligned to the finer binary point (and to the fused
 * activation's), added exactly, clamped and cast once. Output element k reads
 * only input element k (when nothing broadcasts), so it may run in place.
 */
#include "es_nn.h"
#include "es_nn_fx_support.h"

es_status es_add_fx(const es_add_fx_params *params, const es_dims *input1_dims,
                    const int32_t *input1, const es_dims *input2_dims, const int32_t *input2,
                    const es_dims *output_dims, int32_t *output)
{
    int32_t s1[4], s2[4];
    int32_t n, h, w, c;
    if (params == NULL || input1_dims == NULL || input1 == NULL || input2_dims == NULL ||
        input2 == NULL || output_dims == NULL || output == NULL ||
        !es_dims_are_valid(input1_dims) || !es_dims_are_valid(input2_dims) ||
        !es_dims_are_valid(output_dims)) {
        return ES_ERR_ARG;
    }
    if (!es_broadcast_strides(input1_dims, output_dims, s1) ||
        !es_broadcast_strides(input2_dims, output_dims, s2)) {
        return ES_ERR_SHAPE;
    }
    if (params->input1_shift < 0 || params->input1_shift > 30 || params->input2_shift < 0 ||
        params->input2_shift > 30 || !es_fx_output_is_valid(&params->output)) {
        return ES_ERR_RANGE;
    }

    for (n = 0; n < output_dims->n; ++n) {
        for (h = 0; h < output_dims->h; ++h) {
            for (w = 0; w < output_dims->w; ++w) {
                for (c = 0; c < output_dims->c; ++c) {
                    const int32_t a = input1[n * s1[0] + h * s1[1] + w * s1[2] + c * s1[3]];
                    const int32_t b = input2[n * s2[0] + h * s2[1] + w * s2[2] + c * s2[3]];
                    const int64_t sum =
                        es_shl64(a, params->input1_shift) + es_shl64(b, params->input2_shift);
                    *output++ = es_fx_finish(sum, &params->output);
                }
            }
        }
    }
    return ES_OK;
}
