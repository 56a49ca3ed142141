/*
 * edgesmith C runtime: primitives of the fixed-point kernels (es_*_fx, and
 * the es_*_p2 kernels, which share their accumulator and output stage).
 *
 * The fixed-point cast is that of the ap_fixed headers (../shared/FORMATS.md)
 * as the golden simulator implements it (sim/include/es_sim/fixed.h): round
 * the exact value to the target LSB with the quantization mode, then map it
 * into the target width with the overflow mode. The simulator works in 128
 * bits; here values are int64 and the code generator guarantees |v| < 2^62,
 * which makes every step below exact (dropping 63 or more bits decides the
 * same as dropping 63, since bits 62 and up are copies of the sign).
 *
 * Plain C99 with results the standard defines: shifts of negative values and
 * unsigned-to-signed conversions are spelled out.
 */
#ifndef ES_NN_FX_SUPPORT_H
#define ES_NN_FX_SUPPORT_H

#include <stddef.h>
#include <stdint.h>

#include "es_nn_support.h"
#include "es_nn_types.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The int64 whose two's-complement bit pattern is u. */
static inline int64_t es_wrap64(uint64_t u)
{
    return u <= (uint64_t)INT64_MAX ? (int64_t)u : -(int64_t)(~u) - 1;
}

/* es_asr64 (floor(x / 2^n)) is in es_nn_support.h: the 16x8 kernels use it too. */

/* x * 2^n for n in [0, 62], when the result fits (the caller's interval bound says so). */
static inline int64_t es_shl64(int64_t x, int32_t n)
{
    return es_wrap64((uint64_t)x << n);
}

/* Whether rounding adds one to the floor q, from the dropped bits (FORMATS.md table). */
static inline int es_fx_rounds_up(es_fx_rounding mode, int q_odd, int qb, int rest, int neg)
{
    switch (mode) {
    case ES_FX_TRN:
        return 0;
    case ES_FX_TRN_ZERO:
        return neg && (qb || rest);
    case ES_FX_RND:
        return qb;
    case ES_FX_RND_ZERO:
        return qb && (neg || rest);
    case ES_FX_RND_MIN_INF:
        return qb && rest;
    case ES_FX_RND_INF:
        return qb && (!neg || rest);
    case ES_FX_RND_CONV:
        return qb && (q_odd || rest);
    }
    return 0;
}

/*
 * Map the rounded integer v into the width of t. `huge` says the true value
 * lies beyond every int64 (its sign in `negative`); v then holds its low 64
 * bits, which is all that wrapping needs.
 */
static inline int32_t es_fx_apply_overflow(int64_t v, int huge, int negative, const es_fx_type *t)
{
    const int64_t hi = ((int64_t)1 << (t->is_signed ? t->width - 1 : t->width)) - 1;
    const int64_t lo = t->is_signed ? -hi - 1 : 0;
    const int in_range = !huge && v >= lo && v <= hi;
    const int above = huge ? !negative : v > hi;
    switch (t->overflow) {
    case ES_FX_WRAP: {
        const uint64_t low = (uint64_t)v & (((uint64_t)1 << t->width) - 1u);
        const int64_t value = (int64_t)low;
        return (int32_t)(t->is_signed && value > hi ? value - ((int64_t)1 << t->width) : value);
    }
    case ES_FX_SAT_ZERO:
        return in_range ? (int32_t)v : 0;
    case ES_FX_SAT_SYM: {
        /* the symmetric clamp needs a second bit; with width 1 it saturates like SAT */
        const int64_t sym_lo = t->is_signed && t->width > 1 ? -hi : lo;
        if (in_range) {
            return (int32_t)(v < sym_lo ? sym_lo : v);
        }
        return (int32_t)(above ? hi : sym_lo);
    }
    case ES_FX_SAT:
        break;
    }
    if (in_range) {
        return (int32_t)v;
    }
    return (int32_t)(above ? hi : lo);
}

/* Weight `index` of a fixed-point filter stored in the smallest type that holds its format
 * (`bytes`: 1 for int8_t, 2 for int16_t, 4 for int32_t); the value is the same raw integer. */
static inline int32_t es_fx_weight(const void *filter, int32_t bytes, int32_t index)
{
    if (bytes == 1) {
        return ((const int8_t *)filter)[index];
    }
    if (bytes == 2) {
        return ((const int16_t *)filter)[index];
    }
    return ((const int32_t *)filter)[index];
}

/* The exact value v * 2^-F_acc cast into t, dropping `drop` = F_acc - F_out bits. */
static inline int32_t es_fx_cast(int64_t v, int32_t drop, const es_fx_type *t)
{
    if (drop <= 0) {
        const int32_t up = -drop;
        int64_t top;
        if (v == 0) {
            return es_fx_apply_overflow(0, 0, 0, t);
        }
        if (up >= 63) {
            return es_fx_apply_overflow(up >= 64 ? 0 : es_wrap64((uint64_t)v << up), 1, v < 0, t);
        }
        top = es_asr64(v, 63 - up); /* the bits that must all be sign copies */
        return es_fx_apply_overflow(es_wrap64((uint64_t)v << up), top != 0 && top != -1, v < 0, t);
    } else {
        const int32_t d = drop > 63 ? 63 : drop;
        const uint64_t bits = (uint64_t)v;
        const int64_t q = es_asr64(v, d);
        const int qb = (int)((bits >> (d - 1)) & 1u);
        const int rest = d > 1 && (bits & (((uint64_t)1 << (d - 1)) - 1u)) != 0u;
        const int up = es_fx_rounds_up(t->rounding, (int)(q & 1), qb, rest, v < 0);
        return es_fx_apply_overflow(q + up, 0, 0, t);
    }
}

/*
 * The exact quotient num / den (den > 0) at the output LSB, rounded and
 * mapped like es_fx_cast: the remainder plays the part of the dropped bits.
 */
static inline int32_t es_fx_cast_quotient(int64_t num, int64_t den, const es_fx_type *t)
{
    int64_t q = num / den;
    int64_t r = num - q * den;
    int qb, rest;
    if (r < 0) { /* C99 truncates; make q the floor and 0 <= r < den */
        q -= 1;
        r += den;
    }
    qb = r >= den - r;
    rest = qb ? r > den - r : r != 0;
    return es_fx_apply_overflow(q + es_fx_rounds_up(t->rounding, (int)(q & 1), qb, rest, num < 0),
                                0, 0, t);
}

/* The output stage: clamp by the fused activation, then cast. */
static inline int32_t es_fx_finish(int64_t v, const es_fx_output *out)
{
    v = v < out->clamp_min ? out->clamp_min : v;
    v = v > out->clamp_max ? out->clamp_max : v;
    return es_fx_cast(v, out->drop, &out->type);
}

/* A cast target the kernels accept. */
static inline int es_fx_output_is_valid(const es_fx_output *out)
{
    const es_fx_type *t = &out->type;
    const int max_width = t->is_signed ? 32 : 31;
    /* as int32_t: an enum is unsigned on some ABIs (arm-none-eabi), making `>= 0` always true */
    const int32_t rounding = (int32_t)t->rounding, overflow = (int32_t)t->overflow;
    return t->width >= 1 && t->width <= max_width && rounding >= (int32_t)ES_FX_TRN &&
           rounding <= (int32_t)ES_FX_RND_CONV && overflow >= (int32_t)ES_FX_SAT &&
           overflow <= (int32_t)ES_FX_WRAP && out->clamp_min <= out->clamp_max;
}

/* A shift of an exact int64 value: [0, 62]. */
static inline int es_fx_shift_is_valid(int32_t shift)
{
    return shift >= 0 && shift <= 62;
}

/* The left shift of a raw int32 input to the accumulator's binary point: [0, 30]. */
static inline int es_fx_input_shift_is_valid(int32_t shift)
{
    return shift >= 0 && shift <= 30;
}

/* A recast (es_relu_fx_params): an input shift in [0, 30] and a valid output stage. */
static inline int es_fx_recast_is_valid(int32_t input_shift, const es_fx_output *out)
{
    return es_fx_input_shift_is_valid(input_shift) && es_fx_output_is_valid(out);
}

/* Raw x of one fixed-point type in another: aligned to the accumulator's point, clamped, cast. */
static inline int32_t es_fx_recast(int32_t x, int32_t input_shift, const es_fx_output *out)
{
    return es_fx_finish(es_shl64(x, input_shift), out);
}

/* es_relu_fx and es_abs_fx (of |x| when `absolute`): every value recast. */
static inline es_status es_fx_recast_each(const es_relu_fx_params *params, int32_t size,
                                          const int32_t *input, int32_t *output, int absolute)
{
    int32_t i;
    if (!es_elementwise_args_are_valid(params, size, input, output)) {
        return ES_ERR_ARG;
    }
    if (!es_fx_recast_is_valid(params->input_shift, &params->output)) {
        return ES_ERR_RANGE;
    }
    for (i = 0; i < size; ++i) {
        const int64_t x = input[i];
        output[i] = es_fx_finish(es_shl64(absolute && x < 0 ? -x : x, params->input_shift),
                                 &params->output);
    }
    return ES_OK;
}

/* The checks of a fixed-point pooling (ARG, SHAPE, RANGE) and its window before output pixel (0,
 * 0). */
static inline es_status es_pool_begin_fx(es_window *w, const es_pool_fx_params *p,
                                         const es_dims *input_dims, const int32_t *input,
                                         const es_dims *output_dims, const int32_t *output)
{
    es_status status;
    if (!es_unary_args_are_valid(p, input_dims, input, output_dims, output)) {
        return ES_ERR_ARG;
    }
    status = es_pool_window_begin(w, input_dims, output_dims, p->window, p->stride, p->padding);
    if (status != ES_OK) {
        return status;
    }
    return es_fx_recast_is_valid(p->input_shift, &p->output) ? ES_OK : ES_ERR_RANGE;
}

/* The shifts and output stage of a dense or convolution layer. */
static inline int es_fx_mac_is_valid(const es_fx_mac_params *p)
{
    return es_fx_shift_is_valid(p->product_shift) && es_fx_shift_is_valid(p->bias_shift) &&
           es_fx_output_is_valid(&p->output);
}

/* Output `channel` of a dense or convolution layer: sum and bias at one binary point, cast. */
static inline int32_t es_fx_mac_output(int64_t sum, const int32_t *bias, int32_t channel,
                                       const es_fx_mac_params *p)
{
    int64_t acc = es_shl64(sum, p->product_shift);
    if (bias != NULL) {
        acc += es_shl64(bias[channel], p->bias_shift);
    }
    return es_fx_finish(acc, &p->output);
}

/* table[clamp(index, 0, size - 1)]: the ends of a table stand for everything beyond them. */
static inline int32_t es_fx_table_at(const int32_t *table, int32_t size, int64_t index)
{
    return table[index < 0 ? 0 : index > size - 1 ? size - 1 : (int32_t)index];
}

/* es_logistic_fx and es_tanh_fx: output[i] = the entry of input[i] (es_table_fx_params). */
static inline es_status es_fx_lookup(const es_table_fx_params *params, int32_t size,
                                     const int32_t *input, int32_t *output)
{
    int32_t i;
    if (!es_elementwise_args_are_valid(params, size, input, output) || params->table == NULL) {
        return ES_ERR_ARG;
    }
    if (params->size < 1 || !es_fx_shift_is_valid(params->shift)) {
        return ES_ERR_RANGE;
    }
    for (i = 0; i < size; ++i) {
        output[i] = es_fx_table_at(params->table, params->size,
                                   es_asr64(input[i], params->shift) + params->offset);
    }
    return ES_OK;
}

/* ---- Binary ops with broadcasting (es_add_fx, es_mul_fx, es_prelu_fx ...) --------------- */

/* The argument and shape checks of a binary fixed-point kernel, and its broadcast walk. */
static inline es_status es_fx_binary_begin(es_broadcast *at, const void *params,
                                           const es_dims *input1_dims, const int32_t *input1,
                                           const es_dims *input2_dims, const int32_t *input2,
                                           const es_dims *output_dims, const int32_t *output)
{
    if (!es_binary_args_are_valid(params, input1_dims, input1, input2_dims, input2, output_dims,
                                  output)) {
        return ES_ERR_ARG;
    }
    return es_broadcast_start(at, input1_dims, input2_dims, output_dims) ? ES_OK : ES_ERR_SHAPE;
}


/* What es_fx_aligned_binary computes from the aligned operands a and b. */
typedef enum {
    ES_FX_JOIN_ADD,
    ES_FX_JOIN_SUB,
    ES_FX_JOIN_MAXIMUM,
    ES_FX_JOIN_MINIMUM,
    ES_FX_JOIN_SQUARED_DIFFERENCE /* (a - b)^2: at twice the binary point */
} es_fx_join;

static inline int64_t es_fx_join_one(es_fx_join op, int64_t a, int64_t b)
{
    switch (op) {
    case ES_FX_JOIN_SUB:
        return a - b;
    case ES_FX_JOIN_MAXIMUM:
        return a > b ? a : b;
    case ES_FX_JOIN_MINIMUM:
        return a < b ? a : b;
    case ES_FX_JOIN_SQUARED_DIFFERENCE:
        return (a - b) * (a - b);
    case ES_FX_JOIN_ADD:
        break;
    }
    return a + b;
}

/*
 * es_add_fx, es_sub_fx, es_maximum_fx, es_minimum_fx, es_squared_difference_fx: both
 * inputs shifted to the finer binary point, joined exactly, clamped and cast once, with
 * broadcasting of size-1 dimensions. The generator bounds the exact result below 2^62.
 */
static inline es_status es_fx_aligned_binary(es_fx_join op, const es_add_fx_params *params,
                                             const es_dims *input1_dims, const int32_t *input1,
                                             const es_dims *input2_dims, const int32_t *input2,
                                             const es_dims *output_dims, int32_t *output)
{
    es_broadcast at;
    int32_t c;
    const es_status status = es_fx_binary_begin(&at, params, input1_dims, input1, input2_dims,
                                                input2, output_dims, output);
    if (status != ES_OK) {
        return status;
    }
    if (!es_fx_input_shift_is_valid(params->input1_shift) ||
        !es_fx_input_shift_is_valid(params->input2_shift) ||
        !es_fx_output_is_valid(&params->output)) {
        return ES_ERR_RANGE;
    }
    while (es_broadcast_next_row(&at)) {
        for (c = 0; c < at.size.c; ++c) {
            const int64_t joined = es_fx_join_one(
                op, es_shl64(input1[at.row1 + c * at.strides1[3]], params->input1_shift),
                es_shl64(input2[at.row2 + c * at.strides2[3]], params->input2_shift));
            *output++ = es_fx_finish(joined, &params->output);
        }
    }
    return ES_OK;
}

/* PRELU and LEAKY_RELU: x (aligned) where x >= 0, else the exact x * alpha (aligned), cast. */
static inline int32_t es_fx_prelu_one(int32_t x, int32_t alpha, int32_t positive_shift,
                                      int32_t product_shift, const es_fx_output *out)
{
    const int64_t v = x >= 0 ? es_shl64(x, positive_shift)
                             : es_shl64((int64_t)x * alpha, product_shift);
    return es_fx_finish(v, out);
}

/* The shifts and output stage of es_prelu_fx_params / es_leaky_relu_fx_params. */
static inline int es_fx_prelu_is_valid(int32_t positive_shift, int32_t product_shift,
                                       const es_fx_output *out)
{
    return es_fx_input_shift_is_valid(positive_shift) && es_fx_shift_is_valid(product_shift) &&
           es_fx_output_is_valid(out);
}

/* es_elu_fx and es_hard_swish_fx: the identity cast from identity_from on, the table below. */
static inline es_status es_fx_lookup_identity(const es_table_identity_fx_params *params,
                                              int32_t size, const int32_t *input,
                                              int32_t *output)
{
    int32_t i;
    if (!es_elementwise_args_are_valid(params, size, input, output) || params->table == NULL) {
        return ES_ERR_ARG;
    }
    if (params->size < 1 || !es_fx_shift_is_valid(params->shift) ||
        !es_fx_output_is_valid(&params->identity)) {
        return ES_ERR_RANGE;
    }
    for (i = 0; i < size; ++i) {
        output[i] = input[i] >= params->identity_from
                        ? es_fx_finish(input[i], &params->identity)
                        : es_fx_table_at(params->table, params->size,
                                         es_asr64(input[i], params->shift) + params->offset);
    }
    return ES_OK;
}

#ifdef __cplusplus
}
#endif

#endif /* ES_NN_FX_SUPPORT_H */
