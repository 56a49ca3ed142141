/*
 * int8 dense layer with Helium (MVE): the integers of
 * runtime/kernels/ref/es_fully_connected_s8.c.
 *
 * The sum of (w + filter_offset) * (x + input_offset) over the K inputs is
 *   sum(x * w) + input_offset * sum(w) + filter_offset * (sum(x) + K * input_offset),
 * equal in int32 arithmetic: sum(x * w) of four weight rows at a time by VMLADAVA in a
 * tail-predicated loop over the int8 weights as stored (es_mve_dot_1x4), sum(x) once per
 * call and sum(w) per row (VADDVA). The output stage is the fast set's exact short form
 * (es_nn_fast_fc_stage.h), either stage. Without MVE the reference's loop runs.
 */
#include "es_nn.h"
#include "es_nn_fast_fc_stage.h"
#include "es_nn_mve.h"
#include "es_nn_support.h"

#if ES_MVE

static void mve_dense(const es_fc_params *p, const es_fc_quant_params *quant, int32_t depth,
                      int32_t rows, const int8_t *input, const int8_t *filter,
                      const int32_t *bias, int8_t *output)
{
    const es_fast_fc_stage layer = es_fast_fc_stage_of(quant, 0);
    const int32_t inputs = p->filter_offset * (es_mve_sum_s8(input, depth) +
                                               depth * p->input_offset);
    int32_t oc, j;
    for (oc = 0; oc < rows; oc += 4) {
        const int32_t left = rows - oc < 4 ? rows - oc : 4;
        const int8_t *w[4];
        int32_t sums[4];
        for (j = 0; j < 4; ++j) { /* a row past the last repeats it: computed, never stored */
            w[j] = filter + (oc + (j < left ? j : left - 1)) * depth;
        }
        vst1q_s32(sums, es_mve_dot_1x4(input, w[0], w[1], w[2], w[3], depth));
        for (j = 0; j < left; ++j) {
            const int32_t acc = sums[j] + p->input_offset * es_mve_sum_s8(w[j], depth) + inputs;
            output[oc + j] = es_fast_fc_output(p, quant, &layer, bias, oc + j, acc);
        }
    }
}

#endif /* ES_MVE */

es_status es_fully_connected_s8(const es_context *ctx, const es_fc_params *params,
                                const es_fc_quant_params *quant, const es_fc_dims *dims,
                                const int8_t *input, const int8_t *filter, const int32_t *bias,
                                int8_t *output)
{
    int32_t oc, k;
    es_status status;
    (void)ctx;
    status = es_fc_check_s8(params, quant, dims, input, filter, output);
    if (status != ES_OK) {
        return status;
    }
#if ES_MVE
    mve_dense(params, quant, dims->accum_depth, dims->output_depth, input, filter, bias, output);
    return ES_OK;
#endif
    for (oc = 0; oc < dims->output_depth; ++oc) {
        const int8_t *weights = filter + oc * dims->accum_depth;
        int32_t acc = 0;
        for (k = 0; k < dims->accum_depth; ++k) {
            acc += ((int32_t)weights[k] + params->filter_offset) *
                   ((int32_t)input[k] + params->input_offset);
        }
        output[oc] = es_fc_output_s8(acc, bias, quant, oc, params);
    }
    return ES_OK;
}

int32_t es_fully_connected_s8_get_buffer_size(const es_fc_dims *dims)
{
    (void)dims;
    return 0;
}
