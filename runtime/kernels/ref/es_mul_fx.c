/*
 * Reference fixed-point elementwise multiply with broadcasting of size-1 dimensions.
 *
 * The product of two raw values is exact at the binary point F_a + F_b; it
 * is shifted to the fused activation's point when that is coarser, clamped
 * and cast once. The generator bounds |a * b| << product_shift below 2^62
 * from the operand types. Output element k reads only input element k (when
 * nothing broadcasts), so it may run in place.
 */
#include "es_nn.h"
#include "es_nn_fx_support.h"

es_status es_mul_fx(const es_mul_fx_params *params, const es_dims *input1_dims,
                    const int32_t *input1, const es_dims *input2_dims, const int32_t *input2,
                    const es_dims *output_dims, int32_t *output)
{
    es_broadcast at;
    int32_t c;
    const es_status status = es_fx_binary_begin(&at, params, input1_dims, input1, input2_dims,
                                                input2, output_dims, output);
    if (status != ES_OK) {
        return status;
    }
    if (!es_fx_shift_is_valid(params->product_shift) || !es_fx_output_is_valid(&params->output)) {
        return ES_ERR_RANGE;
    }
    while (es_broadcast_next_row(&at)) {
        for (c = 0; c < at.size.c; ++c) {
            const int64_t product = (int64_t)input1[at.row1 + c * at.strides1[3]] *
                                    input2[at.row2 + c * at.strides2[3]];
            *output++ = es_fx_finish(es_shl64(product, params->product_shift), &params->output);
        }
    }
    return ES_OK;
}
