/*
 * Reference int8 mean over any set of dimensions.
 *
 * As in the reference kernel, the int8 values are summed in int32, count
 * times the input zero point is removed, and one Q31 requantization applies
 * both input_scale / output_scale and the division by the count (params.py
 * folds 1/count into the multiplier the way the reference does at run time).
 */
#include "es_nn.h"
#include "es_nn_support.h"

/* Sum of the input values in the box [origin, origin + extent) of a 4-D shape. */
static int32_t box_sum(const int8_t *input, const es_dims *d, const int32_t origin[4],
                       const int32_t extent[4])
{
    int32_t sum = 0;
    int32_t n, h, w, c;
    for (n = origin[0]; n < origin[0] + extent[0]; ++n) {
        for (h = origin[1]; h < origin[1] + extent[1]; ++h) {
            for (w = origin[2]; w < origin[2] + extent[2]; ++w) {
                const int8_t *row = input + ((n * d->h + h) * d->w + w) * d->c;
                for (c = origin[3]; c < origin[3] + extent[3]; ++c) {
                    sum += row[c];
                }
            }
        }
    }
    return sum;
}

es_status es_mean_s8(const es_mean_params *params, const es_dims *input_dims, const int8_t *input,
                     int8_t *output)
{
    int32_t kept[4], reduced[4], origin[4];
    int32_t axis, count = 1;
    if (params == NULL || input == NULL || output == NULL || !es_dims_are_valid(input_dims)) {
        return ES_ERR_ARG;
    }
    if (params->axes > 15u || !es_shift_is_valid(params->quant.shift)) {
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
                    const int32_t centered =
                        box_sum(input, input_dims, origin, reduced) + params->input_offset * count;
                    const int32_t scaled = es_multiply_by_quantized_multiplier(
                        centered, params->quant.multiplier, params->quant.shift);
                    *output++ = es_clamp_to_s8(scaled + params->output_offset, es_full_range_s8());
                }
            }
        }
    }
    return ES_OK;
}
