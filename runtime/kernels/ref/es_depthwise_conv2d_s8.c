/*
 * Reference int8 depthwise 2-D convolution, per-channel requantized.
 *
 * Weights are [1, KH, KW, C * M]; output channel oc = ic * M + m reads input
 * channel ic = oc / M. Padding contributes nothing to the accumulator.
 *
 * Two entry points compute every output with the same function
 * (es_dw_conv_value_s8, es_nn_plain.h): es_depthwise_conv2d_s8 writes a separate output buffer;
 * es_depthwise_conv2d_s8_inplace (M = 1) writes the output over its input,
 * one channel at a time through a scratch buffer of OH * OW bytes, the
 * contract of the memory planner's in-place depthwise (TinyEngine-style).
 */
#include "es_nn.h"
#include "es_nn_plain.h"

es_status es_depthwise_conv2d_s8(const es_context *ctx, const es_dw_conv_params *params,
                                 const es_per_channel_quant_params *quant,
                                 const es_dims *input_dims, const int8_t *input,
                                 const es_dims *filter_dims, const int8_t *filter,
                                 const int32_t *bias, const es_dims *output_dims, int8_t *output)
{
    es_status status;
    (void)ctx;
    status = es_dw_conv_begin_s8(params, quant, input_dims, input, filter_dims, filter,
                                 output_dims, output);
    if (status != ES_OK) {
        return status;
    }
    es_dw_conv_plain_s8(params, quant, input_dims, input, filter_dims, filter, bias, output_dims,
                        output);
    return ES_OK;
}

es_status es_depthwise_conv2d_s8_inplace(const es_context *ctx, const es_dw_conv_params *params,
                                         const es_per_channel_quant_params *quant,
                                         const es_dims *input_dims, int8_t *data,
                                         const es_dims *filter_dims, const int8_t *filter,
                                         const int32_t *bias, const es_dims *output_dims,
                                         int8_t *scratch)
{
    es_status status;
    (void)ctx;
    status = es_dw_conv_inplace_check_s8(params, quant, input_dims, data, filter_dims, filter,
                                         output_dims, scratch);
    if (status != ES_OK) {
        return status;
    }
    es_dw_conv_inplace_plain_s8(params, quant, input_dims, data, filter_dims, filter, bias,
                                output_dims, scratch);
    return ES_OK;
}

int32_t es_depthwise_conv2d_s8_get_buffer_size(const es_dims *input_dims,
                                               const es_dims *filter_dims)
{
    (void)input_dims;
    (void)filter_dims;
    return 0;
}
