/*
 * Reference int8 elementwise multiplication with broadcasting.
 *
 * The product of the offset inputs (at most 255 * 255, exact in int32) is
 * requantized once by input1_scale * input2_scale / output_scale.
 */
#include "es_nn.h"
#include "es_nn_support.h"

static int8_t mul_one(const es_mul_params *p, int32_t a, int32_t b)
{
    const int32_t product = (a + p->input1_offset) * (b + p->input2_offset);
    const int32_t scaled =
        es_multiply_by_quantized_multiplier(product, p->output_multiplier, p->output_shift);
    return es_clamp_to_s8(scaled + p->output_offset, p->activation);
}

es_status es_mul_s8(const es_mul_params *params, const es_dims *input1_dims, const int8_t *input1,
                    const es_dims *input2_dims, const int8_t *input2, const es_dims *output_dims,
                    int8_t *output)
{
    es_broadcast at;
    int32_t c;
    if (!es_binary_args_are_valid(params, input1_dims, input1, input2_dims, input2, output_dims,
                                  output)) {
        return ES_ERR_ARG;
    }
    if (!es_shift_is_valid(params->output_shift) || !es_activation_is_valid(params->activation)) {
        return ES_ERR_RANGE;
    }
    if (!es_broadcast_start(&at, input1_dims, input2_dims, output_dims)) {
        return ES_ERR_SHAPE;
    }
    while (es_broadcast_next_row(&at)) {
        for (c = 0; c < at.size.c; ++c) {
            *output++ = mul_one(params, input1[at.row1 + c * at.strides1[3]],
                                input2[at.row2 + c * at.strides2[3]]);
        }
    }
    return ES_OK;
}
