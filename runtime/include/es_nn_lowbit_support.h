/*
 * edgesmith C runtime: primitives of the power-of-two-weight (es_*_p2) and
 * sub-byte (es_*_s4) kernels: weight codes and their shift-and-sign products,
 * and 4-/2-bit values packed low bits first (layouts in es_nn_types.h).
 *
 * Plain C99 with results the standard defines: shifts of negative values and
 * unsigned-to-signed conversions are spelled out.
 */
#ifndef ES_NN_LOWBIT_SUPPORT_H
#define ES_NN_LOWBIT_SUPPORT_H

#include <stdint.h>

#include "es_nn_support.h"
#include "es_nn_types.h"

#ifdef __cplusplus
extern "C" {
#endif

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

/* es_pool_begin_s8 for values packed `bits` a value, then ES_ERR_RANGE for a bad width or clamp. */
static inline es_status es_pool_begin_s4(es_window *w, const es_pool_params *p, int32_t bits,
                                         const es_dims *input_dims, const int8_t *input,
                                         const es_dims *output_dims, const int8_t *output)
{
    const es_status status = es_pool_begin_s8(w, p, input_dims, input, output_dims, output);
    if (status != ES_OK) {
        return status;
    }
    return es_packed_bits_are_valid(bits) && es_activation_fits_bits(p->activation, bits)
               ? ES_OK
               : ES_ERR_RANGE;
}

/* Widths of a sub-byte layer's operands, and its clamp inside the output width's range. */
static inline int es_packing_is_valid(const es_packing *bits, es_activation act)
{
    return es_packed_bits_are_valid(bits->input_bits) &&
           es_packed_bits_are_valid(bits->filter_bits) &&
           es_packed_bits_are_valid(bits->output_bits) &&
           es_activation_fits_bits(act, bits->output_bits);
}

#ifdef __cplusplus
}
#endif

#endif /* ES_NN_LOWBIT_SUPPORT_H */
