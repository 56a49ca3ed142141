/*
 * Reference int8 fully connected (dense) layer, per-tensor or per-channel.
 *
 * Two output stages exist because the reference kernels disagree:
 * LiteRT's BUILTIN_REF kernel scales the int32 accumulator by a double
 * (input_scale * weight_scale / output_scale) and rounds half away from zero,
 * while TFLite Micro and CMSIS-NN apply a Q31 multiplier and shift. The double
 * path is reproduced here in integers from the double's exact mantissa and
 * exponent, so the kernel needs no floating point (es_fc_output_s8).
 */
#include "es_nn.h"
#include "es_nn_support.h"

static int32_t dot_product(const es_fc_params *p, int32_t depth, const int8_t *input,
                           const int8_t *weights)
{
    int32_t acc = 0;
    int32_t k;
    for (k = 0; k < depth; ++k) {
        acc += ((int32_t)weights[k] + p->filter_offset) * ((int32_t)input[k] + p->input_offset);
    }
    return acc;
}

es_status es_fully_connected_s8(const es_context *ctx, const es_fc_params *params,
                                const es_fc_quant_params *quant, const es_fc_dims *dims,
                                const int8_t *input, const int8_t *filter, const int32_t *bias,
                                int8_t *output)
{
    int32_t oc;
    es_status status;
    (void)ctx;
    status = es_fc_check_s8(params, quant, dims, input, filter, output);
    if (status != ES_OK) {
        return status;
    }

    for (oc = 0; oc < dims->output_depth; ++oc) {
        const int8_t *weights = filter + oc * dims->accum_depth;
        const int32_t acc = dot_product(params, dims->accum_depth, input, weights);
        output[oc] = es_fc_output_s8(acc, bias, quant, oc, params);
    }
    return ES_OK;
}

int32_t es_fully_connected_s8_get_buffer_size(const es_fc_dims *dims)
{
    (void)dims;
    return 0;
}
