/*
 * Reference int8 PRELU with a broadcast alpha: values at or above the input zero point are
 * rescaled by multiplier_1; below it, the centred value times the centred alpha is rescaled
 * by multiplier_2 (input scale * alpha scale / output scale).
 */
#include "es_nn.h"
#include "es_nn_support.h"

static int8_t prelu_one(const es_prelu_params *p, int32_t x, int32_t a)
{
    const int32_t centered = x + p->input_offset;
    const int32_t scaled =
        centered >= 0
            ? es_multiply_by_quantized_multiplier(centered, p->multiplier_1, p->shift_1)
            : es_multiply_by_quantized_multiplier(centered * (a + p->alpha_offset),
                                                  p->multiplier_2, p->shift_2);
    return es_clamp_to_s8(scaled + p->output_offset, es_full_range_s8());
}

es_status es_prelu_s8(const es_prelu_params *params, const es_dims *input_dims,
                      const int8_t *input, const es_dims *alpha_dims, const int8_t *alpha,
                      const es_dims *output_dims, int8_t *output)
{
    es_broadcast at;
    int32_t c;
    if (!es_binary_args_are_valid(params, input_dims, input, alpha_dims, alpha, output_dims,
                                  output)) {
        return ES_ERR_ARG;
    }
    if (!es_shift_is_valid(params->shift_1) || !es_shift_is_valid(params->shift_2)) {
        return ES_ERR_RANGE;
    }
    if (!es_broadcast_start(&at, input_dims, alpha_dims, output_dims)) {
        return ES_ERR_SHAPE;
    }
    while (es_broadcast_next_row(&at)) {
        for (c = 0; c < at.size.c; ++c) {
            *output++ = prelu_one(params, input[at.row1 + c * at.strides1[3]],
                                  alpha[at.row2 + c * at.strides2[3]]);
        }
    }
    return ES_OK;
}
