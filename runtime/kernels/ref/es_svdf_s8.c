/*
 * Reference SVDF with int8 input and output, int16 (es_svdf_s8) or int8
 * (es_svdf_s8_state8) state and time weights: TFLite Micro's integer SVDF.
 *
 * One step: every filter's memory moves one place left; the newest value,
 * the feature projection sum(weights_feature * (input + input_offset))
 * requantized to the state's scale, is clamped to the state type, offset by
 * the state's zero point and narrowed with wrap-around (TFLite Micro adds the
 * zero point after the clamp); then each output unit is the bias plus, over
 * its rank filters, sum(weights_time * (state - zero point)), requantized to
 * int8. Sums wrap as int32 (es_add_wrap32), as the simulator's do.
 */
#include "es_nn.h"
#include "es_nn_support.h"

/* The state and time weights of either width: exactly one pointer of each pair is set. */
typedef struct {
    const int16_t *time16;
    const int8_t *time8;
    int16_t *state16;
    int8_t *state8;
} svdf_memory;

static int32_t time_at(const svdf_memory *m, int32_t i)
{
    return m->time16 != NULL ? m->time16[i] : m->time8[i];
}

static int32_t state_at(const svdf_memory *m, int32_t i)
{
    return m->state16 != NULL ? m->state16[i] : m->state8[i];
}

/* Store v narrowed to the state type with two's-complement wrap-around. */
static void state_put(const svdf_memory *m, int32_t i, int32_t v)
{
    if (m->state16 != NULL) {
        const int32_t low = (int32_t)((uint32_t)v & 0xFFFFu);
        m->state16[i] = (int16_t)(low >= 0x8000 ? low - 0x10000 : low);
    } else {
        const int32_t low = (int32_t)((uint32_t)v & 0xFFu);
        m->state8[i] = (int8_t)(low >= 0x80 ? low - 0x100 : low);
    }
}

static es_status svdf_step(const es_svdf_params *p, const int8_t *input,
                           const int8_t *weights_feature, const int32_t *bias,
                           const svdf_memory *m, int32_t state_min, int32_t state_max,
                           int8_t *output)
{
    int32_t f, i, j, u, cells;
    if (p == NULL || input == NULL || weights_feature == NULL || output == NULL) {
        return ES_ERR_ARG;
    }
    if (p->input_size < 1 || p->filters < 1 || p->memory < 1 || p->rank < 1 ||
        p->filters % p->rank != 0 || !es_shift_is_valid(p->feature.shift) ||
        !es_shift_is_valid(p->time.shift)) {
        return ES_ERR_RANGE;
    }
    cells = p->filters * p->memory;
    for (i = 0; i + 1 < cells; ++i) {
        state_put(m, i, state_at(m, i + 1));
    }
    for (f = 0; f < p->filters; ++f) {
        int32_t dot = 0;
        const int8_t *row = weights_feature + f * p->input_size;
        for (i = 0; i < p->input_size; ++i) {
            dot = es_add_wrap32(dot, (int32_t)row[i] * ((int32_t)input[i] + p->input_offset));
        }
        dot = es_multiply_by_quantized_multiplier(dot, p->feature.multiplier, p->feature.shift);
        dot = dot < state_min ? state_min : (dot > state_max ? state_max : dot);
        state_put(m, f * p->memory + p->memory - 1, dot + p->state_zero_point);
    }
    for (u = 0; u < p->filters / p->rank; ++u) {
        int32_t acc = bias != NULL ? bias[u] : 0;
        for (f = u * p->rank; f < (u + 1) * p->rank; ++f) {
            int32_t sum = 0;
            for (j = f * p->memory; j < (f + 1) * p->memory; ++j) {
                sum = es_add_wrap32(sum, time_at(m, j) * (state_at(m, j) - p->state_zero_point));
            }
            acc = es_add_wrap32(acc, sum);
        }
        acc = es_multiply_by_quantized_multiplier(acc, p->time.multiplier, p->time.shift) +
              p->output_offset;
        output[u] = es_clamp_to_s8(acc, es_full_range_s8());
    }
    return ES_OK;
}

es_status es_svdf_s8(const es_svdf_params *params, const int8_t *input,
                     const int8_t *weights_feature, const int16_t *weights_time,
                     const int32_t *bias, int16_t *state, int8_t *output)
{
    svdf_memory m = {NULL, NULL, NULL, NULL};
    if (weights_time == NULL || state == NULL) {
        return ES_ERR_ARG;
    }
    m.time16 = weights_time;
    m.state16 = state;
    return svdf_step(params, input, weights_feature, bias, &m, INT16_MIN, INT16_MAX, output);
}

es_status es_svdf_s8_state8(const es_svdf_params *params, const int8_t *input,
                            const int8_t *weights_feature, const int8_t *weights_time,
                            const int32_t *bias, int8_t *state, int8_t *output)
{
    svdf_memory m = {NULL, NULL, NULL, NULL};
    if (weights_time == NULL || state == NULL) {
        return ES_ERR_ARG;
    }
    m.time8 = weights_time;
    m.state8 = state;
    return svdf_step(params, input, weights_feature, bias, &m, INT8_MIN, INT8_MAX, output);
}
