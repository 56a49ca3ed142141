/*
 * Reference fixed-point softmax by tables, the simulator's algorithm
 * (sdk/edgesmith/sim/fixed_tables.py, which builds the tables).
 *
 * Per row: d = max - x >= 0 exactly, e = exp_table[min(d >> exp_shift, end)];
 * the sum of the row's e is exact (entries are below 2^18, so any row fits);
 * inv = inv_table[min(sum >> inv_shift, end)]; each output is the exact
 * product e * inv (below 2^36) cast once into the output type. Integers
 * only; the row's values are read again for the outputs, so output element c
 * is written after every read of input element c: may run in place.
 */
#include "es_nn.h"
#include "es_nn_fx_support.h"

/* exp(-beta * d) of the row maximum minus x, by table. */
static int64_t exp_entry(const es_softmax_fx_params *p, int32_t max, int32_t x)
{
    const int64_t diff = (int64_t)max - x; /* >= 0 */
    return es_fx_table_at(p->exp_table, p->exp_size, diff >> p->exp_shift);
}

static void softmax_row(const es_softmax_fx_params *p, int32_t depth, const int32_t *input,
                        int32_t *output)
{
    int32_t max = input[0];
    int64_t sum = 0, inverse;
    int32_t c;
    for (c = 1; c < depth; ++c) {
        max = input[c] > max ? input[c] : max;
    }
    for (c = 0; c < depth; ++c) {
        sum += exp_entry(p, max, input[c]);
    }
    inverse = es_fx_table_at(p->inv_table, p->inv_size, es_asr64(sum, p->inv_shift));
    for (c = 0; c < depth; ++c) {
        output[c] = es_fx_finish(exp_entry(p, max, input[c]) * inverse, &p->output);
    }
}

es_status es_softmax_fx(const es_softmax_fx_params *params, int32_t rows, int32_t depth,
                        const int32_t *input, int32_t *output)
{
    int32_t row;
    if (!es_elementwise_args_are_valid(params, rows, input, output) || depth < 1 ||
        params->exp_table == NULL || params->inv_table == NULL) {
        return ES_ERR_ARG;
    }
    if (params->exp_size < 1 || params->inv_size < 1 || !es_fx_shift_is_valid(params->exp_shift) ||
        !es_fx_shift_is_valid(params->inv_shift) || !es_fx_output_is_valid(&params->output)) {
        return ES_ERR_RANGE;
    }
    for (row = 0; row < rows; ++row) {
        softmax_row(params, depth, input + row * depth, output + row * depth);
    }
    return ES_OK;
}
