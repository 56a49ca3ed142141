/*
 * Reference int8 concatenation.
 *
 * The int8 reference kernel requires every input to share the output's
 * format, so concatenation is a copy: for each index before the axis, one
 * contiguous run from each input in turn.
 */
#include "es_nn.h"
#include "es_nn_support.h"

static int shapes_agree(const es_concat_params *p, const es_dims *input_dims,
                        const es_dims *output_dims)
{
    int32_t i, axis, along = 0;
    for (i = 0; i < p->num_inputs; ++i) {
        for (axis = 0; axis < 4; ++axis) {
            if (axis != p->axis && es_dim(&input_dims[i], axis) != es_dim(output_dims, axis)) {
                return 0;
            }
        }
        along += es_dim(&input_dims[i], p->axis);
    }
    return along == es_dim(output_dims, p->axis);
}

es_status es_concat_s8(const es_concat_params *params, const es_dims *input_dims,
                       const int8_t *const *inputs, const es_dims *output_dims, int8_t *output)
{
    int32_t outer = 1, inner = 1;
    int32_t i, axis, o, k;
    if (params == NULL || input_dims == NULL || inputs == NULL || output_dims == NULL ||
        output == NULL || params->num_inputs < 1 || !es_dims_are_valid(output_dims)) {
        return ES_ERR_ARG;
    }
    for (i = 0; i < params->num_inputs; ++i) {
        if (inputs[i] == NULL || !es_dims_are_valid(&input_dims[i])) {
            return ES_ERR_ARG;
        }
    }
    if (params->axis < 0 || params->axis > 3) {
        return ES_ERR_RANGE;
    }
    if (!shapes_agree(params, input_dims, output_dims)) {
        return ES_ERR_SHAPE;
    }

    for (axis = 0; axis < params->axis; ++axis) {
        outer *= es_dim(output_dims, axis);
    }
    for (axis = params->axis + 1; axis < 4; ++axis) {
        inner *= es_dim(output_dims, axis);
    }
    for (o = 0; o < outer; ++o) {
        for (i = 0; i < params->num_inputs; ++i) {
            const int32_t run = es_dim(&input_dims[i], params->axis) * inner;
            const int8_t *src = inputs[i] + o * run;
            for (k = 0; k < run; ++k) {
                *output++ = src[k];
            }
        }
    }
    return ES_OK;
}
