/*
 * Reference fixed-point REDUCE_MAX, REDUCE_MIN, SUM and MEAN over any set of dimensions:
 * the chosen value or the exact int64 sum of each box of reduced values, cast once into
 * the output type (the mean as the exact quotient sum / count). The generator bounds
 * every sum and shifted numerator or denominator below 2^62.
 */
#include "es_nn.h"
#include "es_nn_fx_support.h"
#include "es_nn_shapes.h"

typedef enum { REDUCE_MAX, REDUCE_MIN, REDUCE_SUM } reduce_kind;

/* The largest, the smallest or the sum of the values in [origin, origin + extent). */
static int64_t box_value(reduce_kind kind, const int32_t *input, const es_dims *d,
                         const int32_t origin[4], const int32_t extent[4])
{
    int64_t acc = kind == REDUCE_SUM
                      ? 0
                      : input[((origin[0] * d->h + origin[1]) * d->w + origin[2]) * d->c +
                              origin[3]];
    int32_t n, h, w, c;
    for (n = origin[0]; n < origin[0] + extent[0]; ++n) {
        for (h = origin[1]; h < origin[1] + extent[1]; ++h) {
            for (w = origin[2]; w < origin[2] + extent[2]; ++w) {
                const int32_t *row = input + ((n * d->h + h) * d->w + w) * d->c;
                for (c = origin[3]; c < origin[3] + extent[3]; ++c) {
                    if (kind == REDUCE_SUM) {
                        acc += row[c];
                    } else if (kind == REDUCE_MAX ? row[c] > acc : row[c] < acc) {
                        acc = row[c];
                    }
                }
            }
        }
    }
    return acc;
}

static es_status reduce(reduce_kind kind, int mean, const es_reduce_fx_params *params,
                        const es_dims *input_dims, const int32_t *input, int32_t *output)
{
    int32_t kept[4], reduced[4], origin[4];
    int32_t axis, count = 1;
    if (params == NULL || input == NULL || output == NULL || !es_dims_are_valid(input_dims)) {
        return ES_ERR_ARG;
    }
    if (params->axes > 15u || params->mean_shift < -62 || params->mean_shift > 62 ||
        !es_fx_output_is_valid(&params->output)) {
        return ES_ERR_RANGE;
    }
    for (axis = 0; axis < 4; ++axis) {
        const int is_reduced = (params->axes & (1u << axis)) != 0u;
        kept[axis] = is_reduced ? 1 : es_dim(input_dims, axis);
        reduced[axis] = is_reduced ? es_dim(input_dims, axis) : 1;
        count *= reduced[axis];
    }
    for (origin[0] = 0; origin[0] < kept[0]; ++origin[0]) {
        for (origin[1] = 0; origin[1] < kept[1]; ++origin[1]) {
            for (origin[2] = 0; origin[2] < kept[2]; ++origin[2]) {
                for (origin[3] = 0; origin[3] < kept[3]; ++origin[3]) {
                    const int64_t v = box_value(kind, input, input_dims, origin, reduced);
                    const int32_t s = params->mean_shift;
                    *output++ = !mean ? es_fx_finish(v, &params->output)
                                      : es_fx_cast_quotient(s < 0 ? es_shl64(v, -s) : v,
                                                            s > 0 ? es_shl64(count, s) : count,
                                                            &params->output.type);
                }
            }
        }
    }
    return ES_OK;
}

es_status es_reduce_max_fx(const es_reduce_fx_params *params, const es_dims *input_dims,
                           const int32_t *input, int32_t *output)
{
    return reduce(REDUCE_MAX, 0, params, input_dims, input, output);
}

es_status es_reduce_min_fx(const es_reduce_fx_params *params, const es_dims *input_dims,
                           const int32_t *input, int32_t *output)
{
    return reduce(REDUCE_MIN, 0, params, input_dims, input, output);
}

es_status es_sum_fx(const es_reduce_fx_params *params, const es_dims *input_dims,
                    const int32_t *input, int32_t *output)
{
    return reduce(REDUCE_SUM, 0, params, input_dims, input, output);
}

es_status es_mean_fx(const es_reduce_fx_params *params, const es_dims *input_dims,
                     const int32_t *input, int32_t *output)
{
    return reduce(REDUCE_SUM, 1, params, input_dims, input, output);
}
