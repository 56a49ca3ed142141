/*
 * Reference fixed-point concatenation.
 *
 * Inputs may each have their own fixed-point type: every value is cast into
 * the output type as es_relu_fx casts (aligned by its input's shift, clamped
 * by the fused activation, rounded and mapped once), with the cast of its
 * input. The layout is that of es_concat_s8: for each index before the axis,
 * one contiguous run from each input in turn (es_concat_layout).
 */
#include "es_nn.h"
#include "es_nn_fx_support.h"

es_status es_concat_fx(const es_concat_params *params, const es_relu_fx_params *casts,
                       const es_dims *input_dims, const int32_t *const *inputs,
                       const es_dims *output_dims, int32_t *output)
{
    int32_t outer, inner, i, o, k;
    es_status status;
    if (params == NULL || casts == NULL || input_dims == NULL || inputs == NULL || output == NULL ||
        params->num_inputs < 1 || !es_dims_are_valid(output_dims)) {
        return ES_ERR_ARG;
    }
    for (i = 0; i < params->num_inputs; ++i) {
        if (inputs[i] == NULL || !es_dims_are_valid(&input_dims[i])) {
            return ES_ERR_ARG;
        }
        if (!es_fx_recast_is_valid(casts[i].input_shift, &casts[i].output)) {
            return ES_ERR_RANGE;
        }
    }
    status = es_concat_layout(params, input_dims, output_dims, &outer, &inner);
    if (status != ES_OK) {
        return status;
    }

    for (o = 0; o < outer; ++o) {
        for (i = 0; i < params->num_inputs; ++i) {
            const int32_t run = es_dim(&input_dims[i], params->axis) * inner;
            const int32_t *src = inputs[i] + o * run;
            for (k = 0; k < run; ++k) {
                *output++ = es_fx_recast(src[k], casts[i].input_shift, &casts[i].output);
            }
        }
    }
    return ES_OK;
}
