/*
 * Fast int8 addition: the integers of runtime/kernels/ref/es_add_s8.c.
 *
 * Each input's rescaling depends on its int8 value alone, so for a tensor of
 * more than TABLE_MIN elements both are tabulated once per call (256 values
 * each, with the short exact requantization); an element then costs two table
 * reads, an addition and the output's requantization, in its short form
 * where the largest table entries bound the sum tightly enough
 * (es_fast_short_fits). Inputs of the output's own shape (no broadcast, a
 * residual add) with that short form and a multiplier that is not negative
 * run as one flat loop over doubled tables (es_fast_short_value2): two
 * elements per step, 11 instructions each on the M4.
 */
#include "es_nn.h"
#include "es_nn_fast.h"

#define TABLE_MIN 1024

static int32_t rescale(int32_t value, int32_t offset, int32_t left_shift,
                       const es_fast_requant *r)
{
    return es_fast_requantize((value + offset) * ((int32_t)1 << left_shift), r);
}

/* The flat loop's stage: es_fast_short parts and the doubled tables' middles (value 0). */
typedef struct {
    const int32_t *table1, *table2;
    int32_t multiplier, round, right, min, max;
} flat_stage;

#if ES_FAST_INTRINSICS
/* out[k] for k < n (n even, > 0), the int8 clamp: see flat_add. */
static ES_FAST_NOINLINE void flat_add_pairs(const int8_t *a, const int8_t *b, int32_t n,
                                            const flat_stage *st, int8_t *out)
{
    const int8_t *end = a + n;
    int32_t a0, a1, b0, b1;
    __asm__ volatile(
        "1:\n\t"
        "ldrsb %[a1], [%[a], #1]\n\t"
        "ldrsb %[a0], [%[a]], #2\n\t"
        "ldrsb %[b1], [%[b], #1]\n\t"
        "ldrsb %[b0], [%[b]], #2\n\t"
        "ldr %[a0], [%[t1], %[a0], lsl #2]\n\t"
        "ldr %[b0], [%[t2], %[b0], lsl #2]\n\t"
        "ldr %[a1], [%[t1], %[a1], lsl #2]\n\t"
        "ldr %[b1], [%[t2], %[b1], lsl #2]\n\t"
        "add %[a0], %[a0], %[b0]\n\t"
        "add %[a1], %[a1], %[b1]\n\t"
        "smmlar %[b0], %[a0], %[m], %[round]\n\t"
        "smmlar %[b1], %[a1], %[m], %[round]\n\t"
        "add %[b0], %[b0], %[a0], asr #31\n\t"
        "add %[b1], %[b1], %[a1], asr #31\n\t"
        "asr %[b0], %[b0], %[right]\n\t"
        "asr %[b1], %[b1], %[right]\n\t"
        "ssat %[b0], #8, %[b0]\n\t"
        "ssat %[b1], #8, %[b1]\n\t"
        "strb %[b1], [%[o], #1]\n\t"
        "strb %[b0], [%[o]], #2\n\t"
        "cmp %[a], %[end]\n\t"
        "bne 1b\n\t"
        : [a] "+r"(a), [b] "+r"(b), [o] "+r"(out), [a0] "=&r"(a0), [a1] "=&r"(a1),
          [b0] "=&r"(b0), [b1] "=&r"(b1)
        : [t1] "r"(st->table1), [t2] "r"(st->table2), [m] "r"(st->multiplier),
          [round] "r"(st->round), [right] "r"(st->right), [end] "r"(end)
        : "cc", "memory");
}
#endif

/*
 * out[k] = the short output stage of table1[a[k]] + table2[b[k]], k < n, the
 * tables doubled and indexed by the int8 values.
 */
static ES_FAST_NOINLINE void flat_add(const int8_t *a, const int8_t *b, int32_t n,
                                      const flat_stage *st, int8_t *out)
{
    const flat_stage s = *st;
    int32_t k = 0;
#if ES_FAST_INTRINSICS
    if (s.min == -128 && s.max == 127 && n >= 2) {
        k = n & ~1;
        flat_add_pairs(a, b, k, st, out);
    }
#endif
    for (; k < n; ++k) {
        const int32_t v = es_fast_short_value2(s.table1[a[k]] + s.table2[b[k]], s.multiplier,
                                               s.round, s.right);
        out[k] = (int8_t)(v < s.min ? s.min : v > s.max ? s.max : v);
    }
}

/* Whether both inputs have the output's shape (no broadcast). */
static int same_shapes(const es_dims *a, const es_dims *b, const es_dims *out)
{
    return a->n == out->n && a->h == out->h && a->w == out->w && a->c == out->c &&
           b->n == out->n && b->h == out->h && b->w == out->w && b->c == out->c;
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
    if (tabulate && es_fast_short_fits(&out, (int64_t)largest1 + largest2) &&
        out.multiplier >= 0 && same_shapes(input1_dims, input2_dims, output_dims)) {
        const es_fast_short s = es_fast_short_of(&out, params->output_offset, params->activation);
        flat_stage flat;
        for (v = 0; v < 256; ++v) { /* |entries| < 2^29: doubled they fit */
            table1[v] *= 2;
            table2[v] *= 2;
        }
        flat.table1 = table1 + 128;
        flat.table2 = table2 + 128;
        flat.multiplier = s.multiplier;
        flat.round = s.round;
        flat.right = s.right;
        flat.min = s.min;
        flat.max = s.max;
        flat_add(input1, input2,
                 output_dims->n * output_dims->h * output_dims->w * output_dims->c, &flat, output);
        return ES_OK;
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
