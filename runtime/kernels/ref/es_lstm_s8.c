/*
 * Reference int8 UNIDIRECTIONAL_SEQUENCE_LSTM: TFLite Micro's integer LSTM.
 *
 * Gate order input, forget, cell, output. Each unit's four gates depend on the whole
 * previous hidden state, so the new hidden state of a step is written to the step's
 * output row first and copied into the state once every unit is done; the cell state
 * of a unit is only read by that unit and is updated in place.
 */
#include "es_nn.h"
#include "es_nn_support.h"

static int16_t es_sat16(int32_t v)
{
    return (int16_t)(v > 32767 ? 32767 : (v < -32768 ? -32768 : v));
}

/* x * 3 * 2^shift (shift < 0: rounded right shift): the table functions' input stage. */
static int32_t es_table_input(int16_t x, int32_t shift)
{
    if (shift >= 0) {
        return (int32_t)x * (3 << shift);
    }
    return es_asr32((int32_t)x * 3 + (1 << (-shift - 1)), -shift);
}

static int32_t es_requant(int32_t x, const es_quant_params *q)
{
    return es_multiply_by_quantized_multiplier(x, q->multiplier, q->shift);
}

/* One unit's dense layer over v (n values, offset added), requantized and saturated. */
static int16_t es_lstm_dense(const int8_t *row, const int8_t *v, int32_t n, int32_t offset,
                             int32_t bias, const es_quant_params *q)
{
    int32_t acc = bias;
    int32_t k;
    for (k = 0; k < n; ++k) {
        acc += (int32_t)row[k] * ((int32_t)v[k] + offset);
    }
    return es_sat16(es_requant(acc, q));
}

static int es_lstm_params_are_valid(const es_lstm_params *p)
{
    int32_t g;
    if (p->sequences < 1 || p->steps < 1 || p->features < 1 || p->units < 1 ||
        p->cell_clip < 0 || p->cell_clip > 32767 || p->cell_tanh_shift < -15 ||
        p->cell_tanh_shift > 14 || !es_shift_is_valid(p->forget_mul.shift) ||
        !es_shift_is_valid(p->input_mul.shift) || !es_shift_is_valid(p->hidden_mul.shift)) {
        return 0;
    }
    for (g = 0; g < 8; ++g) {
        if (!es_shift_is_valid(p->gates[g].shift)) {
            return 0;
        }
    }
    return 1;
}

es_status es_lstm_s8(const es_lstm_params *params, const int8_t *input,
                     const int8_t *input_to_input, const int8_t *input_to_forget,
                     const int8_t *input_to_cell, const int8_t *input_to_output,
                     const int8_t *recurrent_to_input, const int8_t *recurrent_to_forget,
                     const int8_t *recurrent_to_cell, const int8_t *recurrent_to_output,
                     const int32_t *input_bias, const int32_t *forget_bias,
                     const int32_t *cell_bias, const int32_t *output_bias,
                     int8_t *hidden_state, int16_t *cell_state, int8_t *output)
{
    const int8_t *w_in[4], *w_rec[4];
    const int32_t *bias[4];
    int32_t n, t, s, g;
    if (params == NULL || params->gates == NULL || params->sigmoid_table == NULL ||
        input == NULL || input_to_input == NULL || input_to_forget == NULL ||
        input_to_cell == NULL || input_to_output == NULL || recurrent_to_input == NULL ||
        recurrent_to_forget == NULL || recurrent_to_cell == NULL ||
        recurrent_to_output == NULL || input_bias == NULL || forget_bias == NULL ||
        cell_bias == NULL || output_bias == NULL || hidden_state == NULL || cell_state == NULL ||
        output == NULL) {
        return ES_ERR_ARG;
    }
    if (!es_lstm_params_are_valid(params)) {
        return ES_ERR_RANGE;
    }
    w_in[0] = input_to_input; w_in[1] = input_to_forget;
    w_in[2] = input_to_cell; w_in[3] = input_to_output;
    w_rec[0] = recurrent_to_input; w_rec[1] = recurrent_to_forget;
    w_rec[2] = recurrent_to_cell; w_rec[3] = recurrent_to_output;
    bias[0] = input_bias; bias[1] = forget_bias; bias[2] = cell_bias; bias[3] = output_bias;
    for (n = 0; n < params->sequences; ++n) {
        int8_t *h = hidden_state + n * params->units;
        int16_t *c = cell_state + n * params->units;
        for (t = 0; t < params->steps; ++t) {
            /* the row of step t of sequence n, in either layout */
            const int32_t row = params->time_major ? t * params->sequences + n
                                                   : n * params->steps + t;
            const int8_t *x = input + row * params->features;
            int8_t *y = output + row * params->units;
            for (s = 0; s < params->units; ++s) {
                int16_t gate[4];
                int16_t kept, added, next, squashed;
                int32_t hidden;
                for (g = 0; g < 4; ++g) {
                    const int16_t from_input = es_lstm_dense(
                        w_in[g] + s * params->features, x, params->features,
                        params->input_offset, bias[g][s], &params->gates[2 * g]);
                    const int16_t from_hidden = es_lstm_dense(
                        w_rec[g] + s * params->units, h, params->units, params->hidden_offset,
                        0, &params->gates[2 * g + 1]);
                    const int32_t q = es_table_input(es_sat16(from_input + from_hidden), 0);
                    gate[g] = g == 2 ? es_tanh_q15(params->sigmoid_table, q)
                                    : es_sigmoid_q15(params->sigmoid_table, q);
                }
                kept = es_sat16(es_requant((int32_t)gate[1] * c[s], &params->forget_mul));
                added = es_sat16(es_requant((int32_t)gate[0] * gate[2], &params->input_mul));
                next = es_sat16((int32_t)kept + added);
                if (params->cell_clip > 0) {
                    next = next > params->cell_clip ? (int16_t)params->cell_clip : next;
                    next = next < -params->cell_clip ? (int16_t)-params->cell_clip : next;
                }
                c[s] = next;
                squashed = es_tanh_q15(params->sigmoid_table,
                                       es_table_input(next, params->cell_tanh_shift));
                hidden = es_requant((int32_t)squashed * gate[3], &params->hidden_mul) +
                         params->hidden_zero_point;
                y[s] = (int8_t)(hidden > 127 ? 127 : (hidden < -128 ? -128 : hidden));
            }
            for (s = 0; s < params->units; ++s) {
                h[s] = y[s];
            }
        }
    }
    return ES_OK;
}
