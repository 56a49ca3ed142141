/*
 * Reference int8 ARG_MAX and ARG_MIN along one axis. Raw int8 values order as the reals
 * they stand for (the scale is positive), so no format is needed; a later value replaces
 * the best one only when strictly better, so ties give the first index, as in TFLite.
 */
#include "es_nn.h"
#include "es_nn_shapes.h"

/* Indices go to `output32` or, for a model that declares int64 indices, `output64`. */
static es_status arg_select(int larger, const es_reduce_params *params,
                            const es_dims *input_dims, const int8_t *input, int32_t *output32,
                            int64_t *output64)
{
    int32_t outer = 1, inner = 1, size = 1, axis = -1, a, o, i, k;
    if (params == NULL || input == NULL || (output32 == NULL && output64 == NULL) ||
        !es_dims_are_valid(input_dims)) {
        return ES_ERR_ARG;
    }
    for (a = 0; a < 4; ++a) {
        if (params->axes == (1u << a)) {
            axis = a;
        }
    }
    if (axis < 0) {
        return ES_ERR_RANGE; /* not exactly one axis */
    }
    for (a = 0; a < 4; ++a) {
        const int32_t d = es_dim(input_dims, a);
        if (a < axis) {
            outer *= d;
        } else if (a > axis) {
            inner *= d;
        } else {
            size = d;
        }
    }
    for (o = 0; o < outer; ++o) {
        for (i = 0; i < inner; ++i) {
            const int8_t *row = input + o * size * inner + i;
            int8_t best = row[0];
            int32_t index = 0;
            for (k = 1; k < size; ++k) {
                const int8_t v = row[k * inner];
                if (larger ? v > best : v < best) {
                    best = v;
                    index = k;
                }
            }
            if (output64 != NULL) {
                *output64++ = index;
            } else {
                *output32++ = index;
            }
        }
    }
    return ES_OK;
}

es_status es_arg_max_s8(const es_reduce_params *params, const es_dims *input_dims,
                        const int8_t *input, int32_t *output)
{
    return arg_select(1, params, input_dims, input, output, NULL);
}

es_status es_arg_min_s8(const es_reduce_params *params, const es_dims *input_dims,
                        const int8_t *input, int32_t *output)
{
    return arg_select(0, params, input_dims, input, output, NULL);
}

es_status es_arg_max_s8_s64(const es_reduce_params *params, const es_dims *input_dims,
                            const int8_t *input, int64_t *output)
{
    return arg_select(1, params, input_dims, input, NULL, output);
}

es_status es_arg_min_s8_s64(const es_reduce_params *params, const es_dims *input_dims,
                            const int8_t *input, int64_t *output)
{
    return arg_select(0, params, input_dims, input, NULL, output);
}
