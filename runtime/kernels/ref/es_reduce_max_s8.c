/*
 * Reference int8 REDUCE_MAX and REDUCE_MIN over any set of dimensions. Input and output
 * share one format, so the raw values are compared and nothing is rescaled.
 */
#include "es_nn.h"
#include "es_nn_shapes.h"

static es_status reduce_select(int larger, const es_reduce_params *params,
                               const es_dims *input_dims, const int8_t *input, int8_t *output)
{
    int32_t kept[4], reduced[4], o[4], r[4];
    int32_t axis;
    if (params == NULL || input == NULL || output == NULL || !es_dims_are_valid(input_dims)) {
        return ES_ERR_ARG;
    }
    if (params->axes > 15u) {
        return ES_ERR_RANGE;
    }
    for (axis = 0; axis < 4; ++axis) {
        const int is_reduced = (params->axes & (1u << axis)) != 0u;
        kept[axis] = is_reduced ? 1 : es_dim(input_dims, axis);
        reduced[axis] = is_reduced ? es_dim(input_dims, axis) : 1;
    }
    for (o[0] = 0; o[0] < kept[0]; ++o[0])
    for (o[1] = 0; o[1] < kept[1]; ++o[1])
    for (o[2] = 0; o[2] < kept[2]; ++o[2])
    for (o[3] = 0; o[3] < kept[3]; ++o[3]) {
        int8_t best = input[((o[0] * input_dims->h + o[1]) * input_dims->w + o[2]) *
                            input_dims->c + o[3]];
        for (r[0] = o[0]; r[0] < o[0] + reduced[0]; ++r[0])
        for (r[1] = o[1]; r[1] < o[1] + reduced[1]; ++r[1])
        for (r[2] = o[2]; r[2] < o[2] + reduced[2]; ++r[2])
        for (r[3] = o[3]; r[3] < o[3] + reduced[3]; ++r[3]) {
            const int8_t v = input[((r[0] * input_dims->h + r[1]) * input_dims->w + r[2]) *
                                   input_dims->c + r[3]];
            if (larger ? v > best : v < best) {
                best = v;
            }
        }
        *output++ = best;
    }
    return ES_OK;
}

es_status es_reduce_max_s8(const es_reduce_params *params, const es_dims *input_dims,
                           const int8_t *input, int8_t *output)
{
    return reduce_select(1, params, input_dims, input, output);
}

es_status es_reduce_min_s8(const es_reduce_params *params, const es_dims *input_dims,
                           const int8_t *input, int8_t *output)
{
    return reduce_select(0, params, input_dims, input, output);
}
