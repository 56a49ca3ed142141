/*
 * edgesmith C runtime: the output stages of the fast conv2d kernels
 * (runtime/kernels/fast/es_conv2d_s8.c, es_conv2d_s8_w16.c), prepared per
 * chunk of output channels: the short exact form where the accumulator bound
 * allows it, else the general requantization.
 */
#ifndef ES_NN_FAST_CONV_STAGE_H
#define ES_NN_FAST_CONV_STAGE_H

#include "es_nn_fast.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Channels whose output stages a call prepares at once (a table on the stack). */
#define ES_FAST_STAGE_CHUNK 48

/* One channel's output stage: the short form, or s.right 0 for the general one. */
typedef struct {
    es_fast_short s;
    int32_t bias;
} es_fast_channel_stage;

/*
 * The stages of channels first .. first + count - 1; dot_bound bounds |dot product|
 * before the bias, so es_fast_short_from can decide the form from each bias.
 */
static inline void es_fast_prepare_stages(const es_conv_params *p,
                                          const es_per_channel_quant_params *quant,
                                          const int32_t *bias, int64_t dot_bound, int32_t first,
                                          int32_t count, es_fast_channel_stage *stages)
{
    const int32_t limit = es_fast_bias_limit(dot_bound);
    int32_t k;
    for (k = 0; k < count; ++k) {
        const int32_t oc = first + k;
        stages[k].bias = bias != NULL ? bias[oc] : 0;
        if (!es_fast_short_from(quant->multiplier[oc], quant->shift[oc], stages[k].bias, limit,
                                p->output_offset, p->activation, &stages[k].s)) {
            stages[k].s.right = 0;
        }
    }
}

/* Output channel oc of two pixels by the general stage; out1 is written first, so a
 * last pixel alone passes out1 = out0. Kept out of line: it is the rare path. */
static ES_FAST_NOINLINE void es_fast_output_general(const es_conv_params *p,
                                                    const es_per_channel_quant_params *quant,
                                                    int32_t b, int32_t oc, int32_t acc0,
                                                    int32_t acc1, int8_t *out0, int8_t *out1)
{
    const es_fast_requant r = es_fast_requant_of(quant->multiplier[oc], quant->shift[oc]);
    out1[oc] = es_fast_output_s8(acc1 + b, &r, p->output_offset, p->activation);
    out0[oc] = es_fast_output_s8(acc0 + b, &r, p->output_offset, p->activation);
}

/* Output channel oc (stage st) of two pixels; out1 first, so out1 = out0 for a pixel alone. */
static inline void es_fast_output_channel(const es_conv_params *p,
                                          const es_per_channel_quant_params *quant,
                                          const es_fast_channel_stage *st, int32_t oc,
                                          int32_t acc0, int32_t acc1, int8_t *out0, int8_t *out1)
{
    if (st->s.right != 0) {
        out1[oc] = es_fast_short_output_s8(acc1 + st->bias, &st->s);
        out0[oc] = es_fast_short_output_s8(acc0 + st->bias, &st->s);
    } else {
        es_fast_output_general(p, quant, st->bias, oc, acc0, acc1, out0, out1);
    }
}

#ifdef __cplusplus
}
#endif

#endif /* ES_NN_FAST_CONV_STAGE_H */
