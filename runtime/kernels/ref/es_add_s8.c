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

/* left_shift above 23 could overflow int32 on (x + offset) << left_shift. */
static int add_params_are_valid(const es_add_params *p)
{
    return p->left_shift >= 0 && p->left_shift <= 23 && es_shift_is_valid(p->input1_shift) &&
           es_shift_is_valid(p->input2_shift) && es_shift_is_valid(p->output_shift) &&
           es_activation_is_valid(p->activation);
}

static int8_t add_one(const void *params, int32_t a, int32_t b)
{
    const es_add_params *p = (const es_add_params *)params;
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
    if (params == NULL || input1_dims == NULL || input1 == NULL || input2_dims == NULL ||
        input2 == NULL || output_dims == NULL || output == NULL ||
        !es_dims_are_valid(input1_dims) || !es_dims_are_valid(input2_dims) ||
        !es_dims_are_valid(output_dims)) {
        return ES_ERR_ARG;
    }
    if (!add_params_are_valid(params)) {
        return ES_ERR_RANGE;
    }
    return es_broadcast_binary_s8(input1_dims, input1, input2_dims, input2, output_dims, output,
                                  add_one, params);
}
