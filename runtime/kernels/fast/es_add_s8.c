/*
 * Fast int8 addition: the integers of runtime/kernels/ref/es_add_s8.c.
 *
 * Each input's rescaling depends on its int8 value alone, so for a tensor of
 * more than TABLE_MIN elements both are tabulated once per call (256 values
 * each, with the short exact requantization); an element then costs two table
 * reads, an addition and the output's requantization, in its short form
 * where the largest table entries bound the sum tightly enough
 * (es_fast_short_fits).
 */
#include "es_nn.h"
#include "es_nn_fast.h"

#define TABLE_MIN 1024

static int32_t rescale(int32_t value, int32_t offset, int32_t left_shift,
                       const es_fast_requant *r)
{
    return es_fast_requantize((value + offset) * ((int32_t)1 << left_shift), r);
}

es_status es_add_s8(const es_add_params *params, const es_dims *input1_dims, const int8_t *input1,
                    const es_dims *input2_dims, const int8_t *input2, const es_dims *output_dims,
                    int8_t *output)
{
    int32_t table1[256], table2[256];
    es_fast_requant r1, r2, out;
    es_broadcast at;
    es_status status;
    int32_t c, v, largest1 = 0, largest2 = 0;
    int tabulate;
    status = es_add_begin_s8(&at, params, input1_dims, input1, input2_dims, input2, output_dims,
                             output);
    if (status != ES_OK) {
        return status;
    }
    r1 = es_fast_requant_of(params->input1_multiplier, params->input1_shift);
    r2 = es_fast_requant_of(params->input2_multiplier, params->input2_shift);
    out = es_fast_requant_of(params->output_multiplier, params->output_shift);
    tabulate = output_dims->n * output_dims->h * output_dims->w * output_dims->c >= TABLE_MIN;
    for (v = -128; tabulate && v < 128; ++v) {
        table1[v + 128] = rescale(v, params->input1_offset, params->left_shift, &r1);
        table2[v + 128] = rescale(v, params->input2_offset, params->left_shift, &r2);
        largest1 = table1[v + 128] > largest1 ? table1[v + 128]
                 : -table1[v + 128] > largest1 ? -table1[v + 128] : largest1;
        largest2 = table2[v + 128] > largest2 ? table2[v + 128]
                 : -table2[v + 128] > largest2 ? -table2[v + 128] : largest2;
    }
    if (tabulate && es_fast_short_fits(&out, (int64_t)largest1 + largest2)) {
        const es_fast_short s = es_fast_short_of(&out, params->output_offset, params->activation);
        while (es_broadcast_next_row(&at)) {
            const int8_t *a = input1 + at.row1, *b = input2 + at.row2;
            const int32_t step1 = at.strides1[3], step2 = at.strides2[3];
            for (c = 0; c < at.size.c; ++c, a += step1, b += step2) {
                *output++ = es_fast_short_output_s8(table1[*a + 128] + table2[*b + 128], &s);
            }
        }
        return ES_OK;
    }
    while (es_broadcast_next_row(&at)) {
        for (c = 0; c < at.size.c; ++c) {
            const int32_t a = input1[at.row1 + c * at.strides1[3]];
            const int32_t b = input2[at.row2 + c * at.strides2[3]];
            const int32_t sum =
                tabulate ? table1[a + 128] + table2[b + 128]
                         : rescale(a, params->input1_offset, params->left_shift, &r1) +
                               rescale(b, params->input2_offset, params->left_shift, &r2);
            *output++ = es_fast_output_s8(sum, &out, params->output_offset, params->activation);
        }
    }
    return ES_OK;
}
