/*
 * Fast int8 dense layer on int16 weights laid out offline (es_nn_fast_w16.h): the
 * integers of es_fully_connected_s8 on the int8 weights they came from.
 *
 * The stored weights are filter + filter_offset and the bias holds
 * bias + input_offset * sum(stored row), both folded offline, so the input enters
 * the products raw. The input is widened into int16 pairs once; then blocks of 4
 * rows take one input pair against four weight pairs (the weights read as stored).
 */
#include "es_nn.h"
#include "es_nn_fast.h"
#include "es_nn_fast_fc_stage.h"
#include "es_nn_fast_w16.h"

/* es_fast_fc_output inlined for a per-tensor stage (every output shares `layer`). */
static inline int8_t layer_output(const es_fc_params *p, const es_fc_quant_params *q,
                                  const es_fast_fc_stage *layer, const int32_t *bias, int32_t oc,
                                  int32_t acc)
{
    if (q->per_channel) {
        return es_fast_fc_output(p, q, layer, bias, oc, acc);
    }
    acc += bias[oc];
    acc = q->stage == ES_OUTPUT_STAGE_EXACT_SCALE ? es_fast_round_exact(acc, &layer->exact)
                                                  : es_fast_requantize(acc, &layer->requant);
    return es_clamp_to_s8(es_add_wrap32(acc, p->output_offset), p->activation);
}

es_status es_fully_connected_s8_w16(const es_context *ctx, const es_fc_params *params,
                                    const es_fc_quant_params *quant, const es_fc_dims *dims,
                                    const int8_t *input, const int32_t *filter,
                                    const int32_t *bias, int8_t *output)
{
    uint32_t pairs_of_x[ES_FAST_BUFFER / 2];
    es_fast_fc_stage layer;
    int32_t oc, k, pairs, blocked;
    (void)ctx;
    if (!es_fc_args_are_valid(params, dims, input, filter, output) || quant == NULL ||
        bias == NULL) {
        return ES_ERR_ARG;
    }
    if (!es_fc_quant_is_valid(quant, dims->output_depth) ||
        !es_activation_is_valid(params->activation)) {
        return ES_ERR_RANGE;
    }
    layer = es_fast_fc_stage_of(quant, 0);
    pairs = (dims->accum_depth + 1) / 2;
    blocked = dims->output_depth & ~3;
    if (pairs > ES_FAST_BUFFER / 2) { /* a row longer than the buffer: plain loops */
        for (oc = 0; oc < dims->output_depth; ++oc) {
            int32_t acc = 0;
            for (k = 0; k < dims->accum_depth; ++k) {
                acc += es_w16_weight(filter, dims->output_depth, pairs, oc, k) * input[k];
            }
            output[oc] = es_fast_fc_output(params, quant, &layer, bias, oc, acc);
        }
        return ES_OK;
    }
    for (k = 0; k + 1 < dims->accum_depth; k += 2) {
        pairs_of_x[k / 2] = es_fast_halves(input[k], input[k + 1]);
    }
    if (k < dims->accum_depth) {
        pairs_of_x[k / 2] = es_fast_halves(input[k], 0); /* meets a 0 weight */
    }
    for (oc = 0; oc < blocked; oc += 4) {
        int32_t acc[4], j;
        es_w16_block_1x4(pairs_of_x, filter + oc * pairs, pairs, acc);
        for (j = 0; j < 4; ++j) {
            output[oc + j] = layer_output(params, quant, &layer, bias, oc + j, acc[j]);
        }
    }
    for (; oc < dims->output_depth; ++oc) {
        output[oc] = layer_output(params, quant, &layer, bias, oc,
                                  es_w16_dot(pairs_of_x, 1, filter + oc * pairs, pairs));
    }
    return ES_OK;
}
