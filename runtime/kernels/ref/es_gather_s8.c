/*
 * Reference strided gather of int8 values: the one C kernel of every pure data-movement
 * op (transpose, slice, tile, depth/space rearrangements), lowered offline to its strides
 * (edgesmith.passes.lowering). No value is rescaled.
 */
#include "es_nn.h"
#include "es_nn_shapes.h"

es_status es_gather_s8(const es_gather_params *params, const int8_t *input, int8_t *output)
{
    es_gather_cursor cursor;
    int32_t i, count;
    if (params == NULL || input == NULL || output == NULL) {
        return ES_ERR_ARG;
    }
    count = es_gather_size(params);
    if (count < 0) {
        return ES_ERR_SHAPE;
    }
    es_gather_start(&cursor, params);
    for (i = 0; i < count; ++i) {
        output[i] = input[es_gather_next(&cursor, params)];
    }
    return ES_OK;
}
