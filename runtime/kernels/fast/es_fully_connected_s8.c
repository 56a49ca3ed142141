/*
 * Fast int8 dense layer: the integers of runtime/kernels/ref/es_fully_connected_s8.c.
 *
 * Two weight rows at a time share each input word (four where the filter
 * offset is 0, as in every symmetric int8 layer). With the DSP extension,
 * SXTAB16 sign-extends two bytes and adds the offset to both halves in one
 * instruction, so (w + filter_offset) and (x + input_offset) become int16
 * pairs fed to SMLAD: 4 multiplies per input word and row. Both output stages
 * take their short exact forms (es_fast_requantize, es_fast_round_exact with
 * the scale prepared once per call where it is per tensor).
 */
#include "es_nn.h"
#include "es_nn_fast.h"
#include "es_nn_fast_fc_stage.h"

/* acc[j] = sum_k (row_j[k] + filter_offset) * (x[k] + input_offset), for two rows. */
static void dot_2(const es_fc_params *p, int32_t depth, const int8_t *x, const int8_t *row0,
                  const int8_t *row1, int32_t acc[2])
{
    int32_t a0 = 0, a1 = 0;
    int32_t k = 0;
#if ES_FAST_DSP
    const uint32_t in_off = es_fast_pair(p->input_offset), w_off = es_fast_pair(p->filter_offset);
    for (; k + 4 <= depth; k += 4) {
        const uint32_t xw = es_fast_load32(x + k);
        const uint32_t x02 = es_fast_add_bytes02(in_off, xw), x13 = es_fast_add_bytes13(in_off, xw);
        const uint32_t w0 = es_fast_load32(row0 + k), w1 = es_fast_load32(row1 + k);
        a0 = es_fast_dual_mac(x02, es_fast_add_bytes02(w_off, w0), a0);
        a0 = es_fast_dual_mac(x13, es_fast_add_bytes13(w_off, w0), a0);
        a1 = es_fast_dual_mac(x02, es_fast_add_bytes02(w_off, w1), a1);
        a1 = es_fast_dual_mac(x13, es_fast_add_bytes13(w_off, w1), a1);
    }
#endif
    /* both sums fit int16 (es_fast_offset_fits), so int16 products: a compiler for a
     * host with SIMD turns them into 16-bit multiply-adds */
    for (; k < depth; ++k) {
        const int16_t xv = (int16_t)(x[k] + p->input_offset);
        a0 += (int16_t)(row0[k] + p->filter_offset) * xv;
        a1 += (int16_t)(row1[k] + p->filter_offset) * xv;
    }
    acc[0] = a0;
    acc[1] = a1;
}

#if ES_FAST_DSP
/* The groups of 4 of the input, + offset, as the int16 pairs SXTB16 splits weights into. */
static void widen_input(const es_fc_params *p, int32_t depth, const int8_t *x, uint32_t *pairs)
{
    const uint32_t in_off = es_fast_pair(p->input_offset);
    int32_t k;
    for (k = 0; k + 4 <= depth; k += 4, pairs += 2) {
        const uint32_t xw = es_fast_load32(x + k);
        pairs[0] = es_fast_add_bytes02(in_off, xw);
        pairs[1] = es_fast_add_bytes13(in_off, xw);
    }
}

/* acc[j] = sum_k row_j[k] * (x[k] + input_offset) for four rows (filter offset 0). */
static void dot_4(const es_fc_params *p, int32_t depth, const int8_t *x, const uint32_t *pairs,
                  const int8_t *row0, int32_t acc[4])
{
    const int8_t *row1 = row0 + depth, *row2 = row1 + depth, *row3 = row2 + depth;
    const uint32_t *end = pairs + (depth / 4) * 2;
    int32_t a0 = 0, a1 = 0, a2 = 0, a3 = 0;
    int32_t k;
#if ES_FAST_INTRINSICS
    /* The loop in assembly: 23 instructions per 16 MACs (GCC spills two pointers). */
    if (pairs < end) {
        uint32_t x02, x13, w, t;
        __asm__ volatile(
            "1:\n\t"
            "ldrd %[x02], %[x13], [%[px]], #8\n\t"
            "ldr %[w], [%[p0]], #4\n\t"
            "sxtb16 %[t], %[w]\n\t"
            "smlad %[a0], %[x02], %[t], %[a0]\n\t"
            "sxtb16 %[w], %[w], ror #8\n\t"
            "smlad %[a0], %[x13], %[w], %[a0]\n\t"
            "ldr %[w], [%[p1]], #4\n\t"
            "sxtb16 %[t], %[w]\n\t"
            "smlad %[a1], %[x02], %[t], %[a1]\n\t"
            "sxtb16 %[w], %[w], ror #8\n\t"
            "smlad %[a1], %[x13], %[w], %[a1]\n\t"
            "ldr %[w], [%[p2]], #4\n\t"
            "sxtb16 %[t], %[w]\n\t"
            "smlad %[a2], %[x02], %[t], %[a2]\n\t"
            "sxtb16 %[w], %[w], ror #8\n\t"
            "smlad %[a2], %[x13], %[w], %[a2]\n\t"
            "ldr %[w], [%[p3]], #4\n\t"
            "sxtb16 %[t], %[w]\n\t"
            "smlad %[a3], %[x02], %[t], %[a3]\n\t"
            "sxtb16 %[w], %[w], ror #8\n\t"
            "smlad %[a3], %[x13], %[w], %[a3]\n\t"
            "cmp %[px], %[end]\n\t"
            "bne 1b\n\t"
            : [a0] "+r"(a0), [a1] "+r"(a1), [a2] "+r"(a2), [a3] "+r"(a3), [px] "+r"(pairs),
              [p0] "+r"(row0), [p1] "+r"(row1), [p2] "+r"(row2), [p3] "+r"(row3),
              [x02] "=&r"(x02), [x13] "=&r"(x13), [w] "=&r"(w), [t] "=&r"(t)
            : [end] "r"(end)
            : "cc", "memory");
    }
#endif
    for (; pairs < end; pairs += 2, row0 += 4, row1 += 4, row2 += 4, row3 += 4) {
        const uint32_t x02 = pairs[0], x13 = pairs[1];
        uint32_t w = es_fast_load32(row0);
        a0 = es_fast_dual_mac(x02, es_fast_bytes02(w), a0);
        a0 = es_fast_dual_mac(x13, es_fast_bytes13(w), a0);
        w = es_fast_load32(row1);
        a1 = es_fast_dual_mac(x02, es_fast_bytes02(w), a1);
        a1 = es_fast_dual_mac(x13, es_fast_bytes13(w), a1);
        w = es_fast_load32(row2);
        a2 = es_fast_dual_mac(x02, es_fast_bytes02(w), a2);
        a2 = es_fast_dual_mac(x13, es_fast_bytes13(w), a2);
        w = es_fast_load32(row3);
        a3 = es_fast_dual_mac(x02, es_fast_bytes02(w), a3);
        a3 = es_fast_dual_mac(x13, es_fast_bytes13(w), a3);
    }
    for (k = depth & ~3; k < depth; ++k, ++row0, ++row1, ++row2, ++row3) {
        const int32_t xv = x[k] + p->input_offset;
        a0 += *row0 * xv;
        a1 += *row1 * xv;
        a2 += *row2 * xv;
        a3 += *row3 * xv;
    }
    acc[0] = a0;
    acc[1] = a1;
    acc[2] = a2;
    acc[3] = a3;
}
#endif

/* The plain dot product, for offsets that do not fit an int16 half. */
static int32_t dot_plain(const es_fc_params *p, int32_t depth, const int8_t *x, const int8_t *row)
{
    int32_t acc = 0;
    int32_t k;
    for (k = 0; k < depth; ++k) {
        acc += (row[k] + p->filter_offset) * (x[k] + p->input_offset);
    }
    return acc;
}

es_status es_fully_connected_s8(const es_context *ctx, const es_fc_params *params,
                                const es_fc_quant_params *quant, const es_fc_dims *dims,
                                const int8_t *input, const int8_t *filter, const int32_t *bias,
                                int8_t *output)
{
#if ES_FAST_DSP
    uint32_t pairs[ES_FAST_BUFFER / 2];
#endif
    es_fast_fc_stage layer;
    int32_t oc, depth;
    es_status status;
    (void)ctx;
    status = es_fc_check_s8(params, quant, dims, input, filter, output);
    if (status != ES_OK) {
        return status;
    }
    depth = dims->accum_depth;
    layer = es_fast_fc_stage_of(quant, 0);
    if (!es_fast_offset_fits(params->input_offset) || !es_fast_offset_fits(params->filter_offset)) {
        for (oc = 0; oc < dims->output_depth; ++oc) {
            output[oc] = es_fast_fc_output(params, quant, &layer, bias, oc,
                                   dot_plain(params, depth, input, filter + oc * depth));
        }
        return ES_OK;
    }
    oc = 0;
#if ES_FAST_DSP
    if (params->filter_offset == 0 && dims->output_depth >= 4 && depth <= ES_FAST_BUFFER) {
        widen_input(params, depth, input, pairs);
    }
    for (; params->filter_offset == 0 && depth <= ES_FAST_BUFFER && oc + 4 <= dims->output_depth;
         oc += 4) {
        int32_t acc[4], j;
        dot_4(params, depth, input, pairs, filter + oc * depth, acc);
        for (j = 0; j < 4; ++j) {
            output[oc + j] = es_fast_fc_output(params, quant, &layer, bias, oc + j, acc[j]);
        }
    }
#else
    /* four rows share each widened input value: int16 products, as in dot_2 */
    for (; params->filter_offset == 0 && oc + 4 <= dims->output_depth; oc += 4) {
        const int8_t *r0 = filter + oc * depth, *r1 = r0 + depth, *r2 = r1 + depth,
                     *r3 = r2 + depth;
        int32_t a0 = 0, a1 = 0, a2 = 0, a3 = 0, k;
        for (k = 0; k < depth; ++k) {
            const int16_t xv = (int16_t)(input[k] + params->input_offset);
            a0 += (int16_t)r0[k] * xv;
            a1 += (int16_t)r1[k] * xv;
            a2 += (int16_t)r2[k] * xv;
            a3 += (int16_t)r3[k] * xv;
        }
        output[oc] = es_fast_fc_output(params, quant, &layer, bias, oc, a0);
        output[oc + 1] = es_fast_fc_output(params, quant, &layer, bias, oc + 1, a1);
        output[oc + 2] = es_fast_fc_output(params, quant, &layer, bias, oc + 2, a2);
        output[oc + 3] = es_fast_fc_output(params, quant, &layer, bias, oc + 3, a3);
    }
#endif
    for (; oc < dims->output_depth; oc += 2) {
        const int8_t *row0 = filter + oc * depth;
        const int two = oc + 1 < dims->output_depth;
        int32_t acc[2];
        dot_2(params, depth, input, row0, two ? row0 + depth : row0, acc);
        output[oc] = es_fast_fc_output(params, quant, &layer, bias, oc, acc[0]);
        if (two) {
            output[oc + 1] = es_fast_fc_output(params, quant, &layer, bias, oc + 1, acc[1]);
        }
    }
    return ES_OK;
}

int32_t es_fully_connected_s8_get_buffer_size(const es_fc_dims *dims)
{
    (void)dims;
    return 0;
}
