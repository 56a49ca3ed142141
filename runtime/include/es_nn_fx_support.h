/*
 * edgesmith C runtime: primitives of the fixed-point (es_*_fx), power-of-two
 * (es_*_p2) and sub-byte (es_*_s4) kernels.
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

/* floor(x / 2^n) for any sign of x, n in [0, 63]. */
static inline int64_t es_asr64(int64_t x, int32_t n)
{
    return x < 0 ? ~(~x >> n) : x >> n;
}

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
    return t->width >= 1 && t->width <= max_width && t->rounding >= ES_FX_TRN &&
           t->rounding <= ES_FX_RND_CONV && t->overflow >= ES_FX_SAT && t->overflow <= ES_FX_WRAP &&
           out->clamp_min <= out->clamp_max;
}

/* The shifts and output stage of a dense or convolution layer. */
static inline int es_fx_mac_is_valid(const es_fx_mac_params *p)
{
    return p->product_shift >= 0 && p->product_shift <= 62 && p->bias_shift >= 0 &&
           p->bias_shift <= 62 && es_fx_output_is_valid(&p->output);
}

/* The accumulator of one output: the product sum and the bias aligned to one binary point. */
static inline int64_t es_fx_accumulator(int64_t sum, const int32_t *bias, int32_t channel,
                                        const es_fx_mac_params *p)
{
    int64_t acc = es_shl64(sum, p->product_shift);
    if (bias != NULL) {
        acc += es_shl64(bias[channel], p->bias_shift);
    }
    return acc;
}

/* ---- power-of-two codes ---------------------------------------------------------------- */

/* Code `index` of a code array laid out as es_pow2_code says. */
static inline int32_t es_pow2_code_at(const uint8_t *codes, int32_t index, const es_pow2_code *c)
{
    if (c->code_bits == 8) {
        return codes[index];
    }
    return (codes[index / 2] >> ((index % 2) * 4)) & 0x0F;
}

/* x * w for the weight with `code`: a shift and a sign, no multiply. */
static inline int64_t es_pow2_product(int32_t x, int32_t code, const es_pow2_code *c)
{
    const int32_t field = code & ((1 << c->exponent_bits) - 1);
    const int negative = (code >> c->exponent_bits) != 0;
    const int64_t magnitude = x < 0 ? -(int64_t)x : (int64_t)x;
    int64_t shifted;
    if (field == 0) {
        return 0;
    }
    shifted = magnitude << (field - 1);
    return (negative != (x < 0)) ? -shifted : shifted;
}

/* Every one of `count` codes is valid (zero has sign 0, fields in range). */
static inline int es_pow2_codes_are_valid(const uint8_t *codes, int32_t count,
                                          const es_pow2_code *c)
{
    int32_t i;
    if (c->exponent_bits < 1 || c->exponent_bits > 7 || c->max_field < 1 || c->max_field > 63 ||
        c->max_field >= (1 << c->exponent_bits) || (c->code_bits != 4 && c->code_bits != 8) ||
        (c->code_bits == 4 && c->exponent_bits > 3)) {
        return 0;
    }
    for (i = 0; i < count; ++i) {
        const int32_t code = es_pow2_code_at(codes, i, c);
        const int32_t field = code & ((1 << c->exponent_bits) - 1);
        const int32_t sign = code >> c->exponent_bits;
        if (sign > 1 || field > c->max_field || (field == 0 && sign != 0)) {
            return 0;
        }
    }
    return 1;
}

/* ---- sub-byte packing ------------------------------------------------------------------ */

/* 8, 4 or 2. */
static inline int es_packed_bits_are_valid(int32_t bits)
{
    return bits == 8 || bits == 4 || bits == 2;
}

/* Value `index` of a tensor of `bits`-wide two's-complement values packed low bits first. */
static inline int32_t es_packed_get(const uint8_t *data, int32_t index, int32_t bits)
{
    const int32_t per_byte = 8 / bits;
    const int32_t sign_bit = 1 << (bits - 1);
    const int32_t field =
        (data[index / per_byte] >> ((index % per_byte) * bits)) & ((1 << bits) - 1);
    return (field ^ sign_bit) - sign_bit; /* sign-extend */
}

/*
 * Store value `index` (in the `bits` range). Values must be stored in
 * increasing index order: the first value of a byte clears it, so the unused
 * bits of a last, partial byte end up 0.
 */
static inline void es_packed_set(uint8_t *data, int32_t index, int32_t bits, int32_t value)
{
    const int32_t per_byte = 8 / bits;
    const int32_t shift = (index % per_byte) * bits;
    const uint32_t field = (uint32_t)value & ((1u << bits) - 1u);
    if (shift == 0) {
        data[index / per_byte] = 0;
    }
    data[index / per_byte] = (uint8_t)(data[index / per_byte] | (field << shift));
}

/* The clamp of a sub-byte output, [-2^(bits-1), 2^(bits-1) - 1]. */
static inline int es_activation_fits_bits(es_activation act, int32_t bits)
{
    return act.min >= -(1 << (bits - 1)) && act.max <= (1 << (bits - 1)) - 1;
}

#ifdef __cplusplus
}
#endif

#endif /* ES_NN_FX_SUPPORT_H */
