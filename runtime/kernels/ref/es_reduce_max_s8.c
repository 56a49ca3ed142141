/*
 * Reference int8 REDUCE_MAX and REDUCE_MIN over any set of dimensions. Input and output
 * share one format, so the raw values are compared and nothing is rescaled.
 */
#include "es_nn.h"
#include "es_nn_shapes.h"

/* The largest (or smallest) value in the box [origin, origin + extent) of a 4-D shape. */
static int8_t box_pick(int larger, const int8_t *input, const es_dims *d,
                       const int32_t origin[4], const int32_t extent[4])
{
    int8_t best = input[((origin[0] * d->h + origin[1]) * d->w + origin[2]) * d->c + origin[3]];
    int32_t n, h, w, c;
    for (n = origin[0]; n < origin[0] + extent[0]; ++n) {
        for (h = origin[1]; h < origin[1] + extent[1]; ++h) {
            for (w = origin[2]; w < origin[2] + extent[2]; ++w) {
                const int8_t *row = input + ((n * d->h + h) * d->w + w) * d->c;
                for (c = origin[3]; c < origin[3] + extent[3]; ++c) {
                    if (larger ? row[c] > best : row[c] < best) {
                        best = row[c];
                    }
                }
            }
        }
    }
    return best;
}

static es_status reduce_select(int larger, const es_reduce_params *params,
                               const es_dims *input_dims, const int8_t *input, int8_t *output)
{
    int32_t kept[4], reduced[4], origin[4];
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
    for (origin[0] = 0; origin[0] < kept[0]; ++origin[0]) {
        for (origin[1] = 0; origin[1] < kept[1]; ++origin[1]) {
            for (origin[2] = 0; origin[2] < kept[2]; ++origin[2]) {
                for (origin[3] = 0; origin[3] < kept[3]; ++origin[3]) {
                    *output++ = box_pick(larger, input, input_dims, origin, reduced);
                }
            }
        }
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
