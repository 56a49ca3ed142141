/*
 * Reference int8 2-D convolution (NHWC input, OHWI weights), per-channel requantized.
 *
 * The int32 accumulator sums weight * (input + input_offset) over the taps
 * that fall inside the image; padding contributes nothing, which is the same
 * as padding with the input zero point (es_nn_plain.h: the loop every kernel set
 * falls back to).
 */
#include "es_nn.h"
#include "es_nn_plain.h"

es_status es_conv2d_s8(const es_context *ctx, const es_conv_params *params,
                       const es_per_channel_quant_params *quant, const es_dims *input_dims,
                       const int8_t *input, const es_dims *filter_dims, const int8_t *filter,
                       const int32_t *bias, const es_dims *output_dims, int8_t *output)
{
    es_window win;
    es_status status;
    (void)ctx;
    status = es_conv_begin_s8(&win, params, quant, input_dims, input, filter_dims, filter,
                              output_dims, output);
    if (status != ES_OK) {
        return status;
    }
    es_conv_plain_s8(params, quant, &win, input, filter_dims, filter, bias, output);
    return ES_OK;
}

int32_t es_conv2d_s8_get_buffer_size(const es_dims *input_dims, const es_dims *filter_dims)
{
    (void)input_dims;
    (void)filter_dims;
    return 0;
}
