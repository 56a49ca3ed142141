/*
 * Reference int8 SUB and SQUARED_DIFFERENCE with broadcasting. Both bring the inputs to a
 * common scale as ADD does (offset, shifted left by left_shift, one requantization each)
 * and take the difference; SQUARED_DIFFERENCE squares it in int32 (left_shift 7 keeps the
 * square below 2^31) before the output requantization.
 */
#include "es_nn.h"
#include "es_nn_support.h"

static int32_t scaled_difference(const es_add_params *p, int32_t a, int32_t b)
{
    const int32_t shifted1 = (a + p->input1_offset) * ((int32_t)1 << p->left_shift);
    const int32_t shifted2 = (b + p->input2_offset) * ((int32_t)1 << p->left_shift);
    return es_multiply_by_quantized_multiplier(shifted1, p->input1_multiplier, p->input1_shift) -
           es_multiply_by_quantized_multiplier(shifted2, p->input2_multiplier, p->input2_shift);
}

static int8_t sub_one(const es_add_params *p, int32_t a, int32_t b)
{
    const int32_t out = es_multiply_by_quantized_multiplier(scaled_difference(p, a, b),
                                                            p->output_multiplier, p->output_shift);
    return es_clamp_to_s8(out + p->output_offset, p->activation);
}

static int8_t squared_difference_one(const es_add_params *p, int32_t a, int32_t b)
{
    const int32_t diff = scaled_difference(p, a, b);
    const int32_t out = es_multiply_by_quantized_multiplier(diff * diff, p->output_multiplier,
                                                            p->output_shift);
    return es_clamp_to_s8(out + p->output_offset, p->activation);
}

typedef int8_t (*binary_fn)(const es_add_params *p, int32_t a, int32_t b);

static es_status broadcast_binary(binary_fn one, int32_t max_left_shift,
                                  const es_add_params *params, const es_dims *input1_dims,
                                  const int8_t *input1, const es_dims *input2_dims,
                                  const int8_t *input2, const es_dims *output_dims,
                                  int8_t *output)
{
    es_broadcast at;
    int32_t c;
    if (!es_binary_args_are_valid(params, input1_dims, input1, input2_dims, input2, output_dims,
                                  output)) {
        return ES_ERR_ARG;
    }
    if (params->left_shift < 0 || params->left_shift > max_left_shift ||
        !es_shift_is_valid(params->input1_shift) || !es_shift_is_valid(params->input2_shift) ||
        !es_shift_is_valid(params->output_shift) || !es_activation_is_valid(params->activation)) {
        return ES_ERR_RANGE;
    }
    if (!es_broadcast_start(&at, input1_dims, input2_dims, output_dims)) {
        return ES_ERR_SHAPE;
    }
    while (es_broadcast_next_row(&at)) {
        for (c = 0; c < at.size.c; ++c) {
            *output++ = one(params, input1[at.row1 + c * at.strides1[3]],
                            input2[at.row2 + c * at.strides2[3]]);
        }
    }
    return ES_OK;
}

es_status es_sub_s8(const es_add_params *params, const es_dims *input1_dims, const int8_t *input1,
                    const es_dims *input2_dims, const int8_t *input2, const es_dims *output_dims,
                    int8_t *output)
{
    /* above 23 bits (x + offset) << left_shift could overflow int32 */
    return broadcast_binary(sub_one, 23, params, input1_dims, input1, input2_dims, input2,
                            output_dims, output);
}

es_status es_squared_difference_s8(const es_add_params *params, const es_dims *input1_dims,
                                   const int8_t *input1, const es_dims *input2_dims,
                                   const int8_t *input2, const es_dims *output_dims,
                                   int8_t *output)
{
    /* the square of a difference of (255 << left_shift) fits int32 up to left_shift 7 */
    return broadcast_binary(squared_difference_one, 7, params, input1_dims, input1, input2_dims,
                            input2, output_dims, output);
}
