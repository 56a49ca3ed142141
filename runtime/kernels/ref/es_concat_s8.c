/*
 * Reference int8 concatenation.
 *
 * The int8 reference kernel requires every input to share the output's
 * format, so concatenation is a copy: for each index before the axis, one
 * contiguous run from each input in turn (es_concat_layout).
 */
#include "es_nn.h"
#include "es_nn_support.h"

es_status es_concat_s8(const es_concat_params *params, const es_dims *input_dims,
                       const int8_t *const *inputs, const es_dims *output_dims, int8_t *output)
{
    int32_t outer, inner, i, o, k;
    es_status status;
    if (params == NULL || input_dims == NULL || inputs == NULL || output == NULL ||
        params->num_inputs < 1 || !es_dims_are_valid(output_dims)) {
        return ES_ERR_ARG;
    }
    for (i = 0; i < params->num_inputs; ++i) {
        if (inputs[i] == NULL || !es_dims_are_valid(&input_dims[i])) {
            return ES_ERR_ARG;
        }
    }
    status = es_concat_layout(params, input_dims, output_dims, &outer, &inner);
    if (status != ES_OK) {
        return status;
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
