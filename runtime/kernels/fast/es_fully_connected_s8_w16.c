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

/*
 * The per-tensor exact-scale stage (LiteRT's reference dense layers) in the
 * form es_fast_round_exact takes for binary points in [34, 63], with the
 * output offset and clamp beside it: prepared once per call, so an output
 * costs its few multiplies and word operations (es_fast_round_exact; the
 * cases near a half or beyond int32 still go to the reference's routine).
 */
typedef struct {
    es_exact_scale scale;
    uint32_t m_hi, m_lo, mask, near; /* near: half - 1, the lowest fraction near a half */
    int32_t shift, left, offset, min, max; /* left: 32 - shift */
} exact_stage;

static int exact_stage_of(const es_fc_params *p, const es_fc_quant_params *q, exact_stage *s)
{
    es_fast_exact e;
    if (q->per_channel || q->stage != ES_OUTPUT_STAGE_EXACT_SCALE) {
        return 0;
    }
    e = es_fast_exact_of(q->scale[0]);
    if (e.shift == 0) {
        return 0;
    }
    s->scale = e.scale;
    s->m_hi = e.m_hi;
    s->m_lo = e.m_lo;
    s->shift = e.shift;
    s->left = 32 - e.shift;
    s->mask = (1u << e.shift) - 1u;
    s->near = (1u << (e.shift - 1)) - 1u;
    s->offset = p->output_offset;
    s->min = p->activation.min;
    s->max = p->activation.max;
    return 1;
}

/* out[k] for the dot products acc[k] and their biases, k < n: es_fast_round_exact inline. */
static ES_FAST_NOINLINE void exact_outputs(const int32_t *acc, const int32_t *bias, int32_t n,
                                           const exact_stage *st, int8_t *out)
{
    const exact_stage s = *st;
    int32_t k;
    for (k = 0; k < n; ++k) {
        const int32_t x = acc[k] + bias[k];
        const uint32_t a = x < 0 ? 0u - (uint32_t)x : (uint32_t)x;
        const uint64_t high = (uint64_t)a * s.m_hi + (((uint64_t)a * s.m_lo) >> 32);
        const uint32_t lo = (uint32_t)high, hi = (uint32_t)(high >> 32);
        const uint32_t fraction = lo & s.mask;
        /* high >> shift in 32-bit words (shift in [2, 31]) */
        const uint32_t magnitude = (lo >> s.shift) | (hi << s.left);
        int32_t v;
        if (fraction - s.near <= 2u || (hi >> s.shift) != 0u || magnitude > 0x7FFFFFFEu) {
            v = es_round_exact_scale(x, s.scale); /* within 2^32 of a half, or beyond int32 */
        } else {
            const int32_t m = (int32_t)(magnitude + (fraction > s.near ? 1u : 0u));
            v = x < 0 ? -m : m;
        }
        v = es_add_wrap32(v, s.offset);
        out[k] = (int8_t)(v < s.min ? s.min : v > s.max ? s.max : v);
    }
}

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
    exact_stage exact;
    int32_t oc, k, pairs, blocked, inline_exact;
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
    inline_exact = exact_stage_of(params, quant, &exact);
    for (oc = 0; oc < blocked; oc += 4) {
        int32_t acc[4], j;
        es_w16_block_1x4(pairs_of_x, filter + oc * pairs, pairs, acc);
        if (inline_exact) {
            exact_outputs(acc, bias + oc, 4, &exact, output + oc);
            continue;
        }
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
