/*
 * Reference int8 elementwise addition with broadcasting.
 *
 * Both inputs are shifted left by left_shift bits of headroom, rescaled to a
 * common scale (input multipliers below one), added, and the sum rescaled to
 * the output scale: three requantizations, each with the two roundings of
 * es_multiply_by_quantized_multiplier.
 */
#include "es_nn.h"
#include "es_nn_support.h"

static int8_t add_one(const es_add_params *p, int32_t a, int32_t b)
{
    const int32_t shifted1 = (a + p->input1_offset) * ((int32_t)1 << p->left_shift);
    const int32_t shifted2 = (b + p->input2_offset) * ((int32_t)1 << p->left_shift);
    const int32_t scaled1 =
        es_multiply_by_quantized_multiplier(shifted1, p->input1_multiplier, p->input1_shift);
    const int32_t scaled2 =
        es_multiply_by_quantized_multiplier(shifted2, p->input2_multiplier, p->input2_shift);
    const int32_t sum = es_multiply_by_quantized_multiplier(scaled1 + scaled2, p->output_multiplier,
                                                            p->output_shift);
    return es_clamp_to_s8(sum + p->output_offset, p->activation);
}

es_status es_add_s8(const es_add_params *params, const es_dims *input1_dims, const int8_t *input1,
                    const es_dims *input2_dims, const int8_t *input2, const es_dims *output_dims,
                    int8_t *output)
{
    es_broadcast at;
    es_status status;
    int32_t c;
    status = es_add_begin_s8(&at, params, input1_dims, input1, input2_dims, input2, output_dims,
                             output);
    if (status != ES_OK) {
        return status;
    }
    while (es_broadcast_next_row(&at)) {
        for (c = 0; c < at.size.c; ++c) {
            *output++ = add_one(params, input1[at.row1 + c * at.strides1[3]],
                                input2[at.row2 + c * at.strides2[3]]);
        }
    }
    return ES_OK;
}
