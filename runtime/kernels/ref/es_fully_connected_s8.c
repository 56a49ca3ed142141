/*
 * Reference int8 fully connected (dense) layer, per-tensor or per-channel.
 *
 * Two output stages exist because the reference kernels disagree:
 * LiteRT's BUILTIN_REF kernel scales the int32 accumulator by a double
 * (input_scale * weight_scale / output_scale) and rounds half away from zero,
 * while TFLite Micro and CMSIS-NN apply a Q31 multiplier and shift. The double
 * path is reproduced here in integers from the double's exact mantissa and
 * exponent, so the kernel needs no floating point.
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

static int quant_is_valid(const es_fc_quant_params *q, int32_t channels)
{
    int32_t c;
    if (q->stage == ES_OUTPUT_STAGE_Q31) {
        if (q->multiplier == NULL || q->shift == NULL) {
            return 0;
        }
        for (c = 0; c < channels; ++c) {
            if (!es_shift_is_valid(q->shift[c])) {
                return 0;
            }
        }
        return 1;
    }
    if (q->stage == ES_OUTPUT_STAGE_EXACT_SCALE) {
        if (q->scale == NULL) {
            return 0;
        }
        for (c = 0; c < channels; ++c) {
            if (q->scale[c].mantissa < 0 || q->scale[c].mantissa >= ((int64_t)1 << 53)) {
                return 0;
            }
        }
        return 1;
    }
    return 0;
}

/* The accumulator in the output scale, before the output offset. */
static int32_t scale_accumulator(const es_fc_quant_params *q, int32_t acc, int32_t channel)
{
    if (q->stage == ES_OUTPUT_STAGE_EXACT_SCALE) {
        return es_round_exact_scale(acc, q->scale[channel]);
    }
    return es_multiply_by_quantized_multiplier(acc, q->multiplier[channel], q->shift[channel]);
}

es_status es_fully_connected_s8(const es_context *ctx, const es_fc_params *params,
                                const es_fc_quant_params *quant, const es_fc_dims *dims,
                                const int8_t *input, const int8_t *filter, const int32_t *bias,
                                int8_t *output)
{
    int32_t oc;
    (void)ctx;
    if (params == NULL || quant == NULL || dims == NULL || input == NULL || filter == NULL ||
        output == NULL || dims->accum_depth < 1 || dims->output_depth < 1) {
        return ES_ERR_ARG;
    }
    if ((quant->per_channel != 0 && quant->per_channel != 1) ||
        !quant_is_valid(quant, quant->per_channel ? dims->output_depth : 1) ||
        !es_activation_is_valid(params->activation)) {
        return ES_ERR_RANGE;
    }

    for (oc = 0; oc < dims->output_depth; ++oc) {
        const int8_t *weights = filter + oc * dims->accum_depth;
        int32_t acc = dot_product(params, dims->accum_depth, input, weights);
        if (bias != NULL) {
            acc += bias[oc];
        }
        acc = scale_accumulator(quant, acc, quant->per_channel ? oc : 0);
        /* Wraps like the reference when an out-of-range product became INT32_MIN. */
        output[oc] = es_clamp_to_s8(es_add_wrap32(acc, params->output_offset), params->activation);
    }
    return ES_OK;
}

int32_t es_fully_connected_s8_get_buffer_size(const es_fc_dims *dims)
{
    (void)dims;
    return 0;
}
