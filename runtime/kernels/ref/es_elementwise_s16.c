/*
 * Reference 16x8 ADD and MUL with broadcasting: the int8 kernels' arithmetic (the same
 * parameter structs; ADD shifts its int16 inputs left by 15 bits) on int16 values, clamped
 * to int16 bounds. One broadcast walk runs either op's per-element function.
 */
#include "es_nn.h"
#include "es_nn_support.h"

/* One output value before the clamp, from two raw inputs. */
typedef int32_t (*binary16_fn)(const void *params, int32_t a, int32_t b);

static int32_t add_one(const void *params, int32_t a, int32_t b)
{
    const es_add_params *p = (const es_add_params *)params;
    const int32_t scaled1 = es_multiply_by_quantized_multiplier(
        (a + p->input1_offset) * ((int32_t)1 << p->left_shift), p->input1_multiplier,
        p->input1_shift);
    const int32_t scaled2 = es_multiply_by_quantized_multiplier(
        (b + p->input2_offset) * ((int32_t)1 << p->left_shift), p->input2_multiplier,
        p->input2_shift);
    return es_multiply_by_quantized_multiplier(scaled1 + scaled2, p->output_multiplier,
                                               p->output_shift) + p->output_offset;
}

static int32_t mul_one(const void *params, int32_t a, int32_t b)
{
    const es_mul_params *p = (const es_mul_params *)params;
    return es_multiply_by_quantized_multiplier((a + p->input1_offset) * (b + p->input2_offset),
                                               p->output_multiplier, p->output_shift) +
           p->output_offset;
}

static es_status walk16(binary16_fn one, const void *params, const es_activation16 *clamp,
                        const es_dims *input1_dims, const int16_t *input1,
                        const es_dims *input2_dims, const int16_t *input2,
                        const es_dims *output_dims, int16_t *output)
{
    es_broadcast at;
    int32_t c;
    if (clamp == NULL || !es_binary_args_are_valid(params, input1_dims, input1, input2_dims,
                                                   input2, output_dims, output)) {
        return ES_ERR_ARG;
    }
    if (clamp->min < INT16_MIN || clamp->max > INT16_MAX || clamp->min > clamp->max) {
        return ES_ERR_RANGE;
    }
    if (!es_broadcast_start(&at, input1_dims, input2_dims, output_dims)) {
        return ES_ERR_SHAPE;
    }
    while (es_broadcast_next_row(&at)) {
        for (c = 0; c < at.size.c; ++c) {
            int32_t v = one(params, input1[at.row1 + c * at.strides1[3]],
                            input2[at.row2 + c * at.strides2[3]]);
            v = v < clamp->min ? clamp->min : (v > clamp->max ? clamp->max : v);
            *output++ = (int16_t)v;
        }
    }
    return ES_OK;
}

es_status es_add_s16(const es_add_params *params, const es_activation16 *clamp,
                     const es_dims *input1_dims, const int16_t *input1,
                     const es_dims *input2_dims, const int16_t *input2,
                     const es_dims *output_dims, int16_t *output)
{
    if (params != NULL && (params->left_shift < 0 || params->left_shift > 15 ||
                           !es_shift_is_valid(params->input1_shift) ||
                           !es_shift_is_valid(params->input2_shift) ||
                           !es_shift_is_valid(params->output_shift))) {
        return ES_ERR_RANGE;
    }
    return walk16(add_one, params, clamp, input1_dims, input1, input2_dims, input2, output_dims,
                  output);
}

es_status es_mul_s16(const es_mul_params *params, const es_activation16 *clamp,
                     const es_dims *input1_dims, const int16_t *input1,
                     const es_dims *input2_dims, const int16_t *input2,
                     const es_dims *output_dims, int16_t *output)
{
    if (params != NULL && !es_shift_is_valid(params->output_shift)) {
        return ES_ERR_RANGE;
    }
    return walk16(mul_one, params, clamp, input1_dims, input1, input2_dims, input2, output_dims,
                  output);
}
