/*
 * edgesmith C runtime: the output stage of the fast dense kernels
 * (runtime/kernels/fast/es_fully_connected_s8.c, es_fully_connected_s8_w16.c),
 * prepared once per call where it is per tensor.
 */
#ifndef ES_NN_FAST_FC_STAGE_H
#define ES_NN_FAST_FC_STAGE_H

#include "es_nn_fast.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    es_fast_exact exact;
    es_fast_requant requant;
} es_fast_fc_stage;

static inline es_fast_fc_stage es_fast_fc_stage_of(const es_fc_quant_params *q, int32_t channel)
{
    es_fast_fc_stage st;
    if (q->stage == ES_OUTPUT_STAGE_EXACT_SCALE) {
        st.exact = es_fast_exact_of(q->scale[channel]);
    } else {
        st.requant = es_fast_requant_of(q->multiplier[channel], q->shift[channel]);
    }
    return st;
}

/* Output oc from its dot product: bias, the layer's (or the channel's) stage, offset, clamp. */
static inline int8_t es_fast_fc_output(const es_fc_params *p, const es_fc_quant_params *q,
                                       const es_fast_fc_stage *layer, const int32_t *bias,
                                       int32_t oc, int32_t acc)
{
    es_fast_fc_stage own;
    const es_fast_fc_stage *st = layer;
    if (q->per_channel) {
        own = es_fast_fc_stage_of(q, oc);
        st = &own;
    }
    if (bias != NULL) {
        acc += bias[oc];
    }
    acc = q->stage == ES_OUTPUT_STAGE_EXACT_SCALE ? es_fast_round_exact(acc, &st->exact)
                                                  : es_fast_requantize(acc, &st->requant);
    return es_clamp_to_s8(es_add_wrap32(acc, p->output_offset), p->activation);
}

#ifdef __cplusplus
}
#endif

#endif /* ES_NN_FAST_FC_STAGE_H */
