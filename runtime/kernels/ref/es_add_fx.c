/*
 * Reference fixed-point elementwise add with broadcasting of size-1 dimensions.
 *
 * Both inputs are aligned to the finer binary point (and to the fused
 * activation's), added exactly, clamped and cast once. Output element k reads
 * only input element k (when nothing broadcasts), so it may run in place.
 */
#include "es_nn.h"
#include "es_nn_fx_support.h"

es_status es_add_fx(const es_add_fx_params *params, const es_dims *input1_dims,
                    const int32_t *input1, const es_dims *input2_dims, const int32_t *input2,
                    const es_dims *output_dims, int32_t *output)
{
    es_broadcast at;
    int32_t c;
    if (!es_binary_args_are_valid(params, input1_dims, input1, input2_dims, input2, output_dims,
                                  output)) {
        return ES_ERR_ARG;
    }
    if (!es_broadcast_start(&at, input1_dims, input2_dims, output_dims)) {
        return ES_ERR_SHAPE;
    }
    if (!es_fx_input_shift_is_valid(params->input1_shift) ||
        !es_fx_input_shift_is_valid(params->input2_shift) ||
        !es_fx_output_is_valid(&params->output)) {
        return ES_ERR_RANGE;
    }
    while (es_broadcast_next_row(&at)) {
        for (c = 0; c < at.size.c; ++c) {
            const int64_t sum =
                es_shl64(input1[at.row1 + c * at.strides1[3]], params->input1_shift) +
                es_shl64(input2[at.row2 + c * at.strides2[3]], params->input2_shift);
            *output++ = es_fx_finish(sum, &params->output);
        }
    }
    return ES_OK;
}
