/*
 * Fast int8 dense layer: the integers of runtime/kernels/ref/es_fully_connected_s8.c.
 *
 * Two weight rows at a time share each input word. With the DSP extension,
 * SXTAB16 sign-extends two bytes and adds the offset to both halves in one
 * instruction, so (w + filter_offset) and (x + input_offset) become int16
 * pairs fed to SMLAD: 4 multiplies per input word and row pair. Both output
 * stages take their short exact forms (es_fast_requantize,
 * es_fast_round_exact_scale).
 */
#include "es_nn.h"
#include "es_nn_fast.h"

/* acc[j] = sum_k (row_j[k] + filter_offset) * (x[k] + input_offset), for two rows. */
static void dot_2(const es_fc_params *p, int32_t depth, const int8_t *x, const int8_t *row0,
                  const int8_t *row1, int32_t acc[2])
{
    int32_t a0 = 0, a1 = 0;
    int32_t k = 0;
#if ES_FAST_DSP
    const uint32_t in_off = es_fast_pair(p->input_offset), w_off = es_fast_pair(p->filter_offset);
    for (; k + 4 <= depth; k += 4) {
        const uint32_t xw = es_fast_load32(x + k);
        const uint32_t x02 = es_fast_add_bytes02(in_off, xw), x13 = es_fast_add_bytes13(in_off, xw);
        const uint32_t w0 = es_fast_load32(row0 + k), w1 = es_fast_load32(row1 + k);
        a0 = es_fast_dual_mac(x02, es_fast_add_bytes02(w_off, w0), a0);
        a0 = es_fast_dual_mac(x13, es_fast_add_bytes13(w_off, w0), a0);
        a1 = es_fast_dual_mac(x02, es_fast_add_bytes02(w_off, w1), a1);
        a1 = es_fast_dual_mac(x13, es_fast_add_bytes13(w_off, w1), a1);
    }
#endif
    for (; k < depth; ++k) {
        const int32_t xv = x[k] + p->input_offset;
        a0 += (row0[k] + p->filter_offset) * xv;
        a1 += (row1[k] + p->filter_offset) * xv;
    }
    acc[0] = a0;
    acc[1] = a1;
}

/* The plain dot product, for offsets that do not fit an int16 half. */
static int32_t dot_plain(const es_fc_params *p, int32_t depth, const int8_t *x, const int8_t *row)
{
    int32_t acc = 0;
    int32_t k;
    for (k = 0; k < depth; ++k) {
        acc += (row[k] + p->filter_offset) * (x[k] + p->input_offset);
    }
    return acc;
}

static int8_t output_of(const es_fc_params *p, const es_fc_quant_params *q, const int32_t *bias,
                        int32_t oc, int32_t acc)
{
    const int32_t channel = q->per_channel ? oc : 0;
    es_fast_requant r;
    if (bias != NULL) {
        acc += bias[oc];
    }
    if (q->stage == ES_OUTPUT_STAGE_EXACT_SCALE) {
        acc = es_fast_round_exact_scale(acc, q->scale[channel]);
    } else {
        r = es_fast_requant_of(q->multiplier[channel], q->shift[channel]);
        acc = es_fast_requantize(acc, &r);
    }
    return es_clamp_to_s8(es_add_wrap32(acc, p->output_offset), p->activation);
}

es_status es_fully_connected_s8(const es_context *ctx, const es_fc_params *params,
                                const es_fc_quant_params *quant, const es_fc_dims *dims,
                                const int8_t *input, const int8_t *filter, const int32_t *bias,
                                int8_t *output)
{
    int32_t oc, depth;
    (void)ctx;
    if (!es_fc_args_are_valid(params, dims, input, filter, output) || quant == NULL) {
        return ES_ERR_ARG;
    }
    if (!es_fc_quant_is_valid(quant, dims->output_depth) ||
        !es_activation_is_valid(params->activation)) {
        return ES_ERR_RANGE;
    }
    depth = dims->accum_depth;
    if (!es_fast_offset_fits(params->input_offset) || !es_fast_offset_fits(params->filter_offset)) {
        for (oc = 0; oc < dims->output_depth; ++oc) {
            output[oc] = output_of(params, quant, bias, oc,
                                   dot_plain(params, depth, input, filter + oc * depth));
        }
        return ES_OK;
    }
    for (oc = 0; oc < dims->output_depth; oc += 2) {
        const int8_t *row0 = filter + oc * depth;
        const int two = oc + 1 < dims->output_depth;
        int32_t acc[2];
        dot_2(params, depth, input, row0, two ? row0 + depth : row0, acc);
        output[oc] = output_of(params, quant, bias, oc, acc[0]);
        if (two) {
            output[oc + 1] = output_of(params, quant, bias, oc + 1, acc[1]);
        }
    }
    return ES_OK;
}

int32_t es_fully_connected_s8_get_buffer_size(const es_fc_dims *dims)
{
    (void)dims;
    return 0;
}
