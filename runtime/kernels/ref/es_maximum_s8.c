/*
 * Reference int8 MAXIMUM and MINIMUM with broadcasting. Inputs and output share one format,
 * so the raw values are compared and nothing is rescaled (as TFLite's int8 kernels do).
 */
#include "es_nn.h"
#include "es_nn_shapes.h"

static es_status select_s8(int larger, const es_dims *input1_dims, const int8_t *input1,
                           const es_dims *input2_dims, const int8_t *input2,
                           const es_dims *output_dims, int8_t *output)
{
    es_broadcast at;
    int32_t c;
    /* the pointer checks want a non-NULL params argument: these kernels have none */
    if (!es_binary_args_are_valid(input1_dims, input1_dims, input1, input2_dims, input2,
                                  output_dims, output)) {
        return ES_ERR_ARG;
    }
    if (!es_broadcast_start(&at, input1_dims, input2_dims, output_dims)) {
        return ES_ERR_SHAPE;
    }
    while (es_broadcast_next_row(&at)) {
        for (c = 0; c < at.size.c; ++c) {
            const int8_t a = input1[at.row1 + c * at.strides1[3]];
            const int8_t b = input2[at.row2 + c * at.strides2[3]];
            *output++ = (int8_t)((a > b) == larger ? a : b);
        }
    }
    return ES_OK;
}

es_status es_maximum_s8(const es_dims *input1_dims, const int8_t *input1,
                        const es_dims *input2_dims, const int8_t *input2,
                        const es_dims *output_dims, int8_t *output)
{
    return select_s8(1, input1_dims, input1, input2_dims, input2, output_dims, output);
}

es_status es_minimum_s8(const es_dims *input1_dims, const int8_t *input1,
                        const es_dims *input2_dims, const int8_t *input2,
                        const es_dims *output_dims, int8_t *output)
{
    return select_s8(0, input1_dims, input1, input2_dims, input2, output_dims, output);
}
