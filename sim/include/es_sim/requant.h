// Integer requantization as the TFLite reference kernels do it.
//
// A real multiplier M is stored as a Q31 integer `mult` and a power-of-two
// `shift` (M = mult * 2^(shift - 31)). Applying it rounds twice: once in the
// saturating rounding doubling high multiply, once in the rounding right
// shift. Both roundings are part of the contract: a single-rounding variant
// gives different results on ties.
#pragma once
#include <cstdint>
#include <limits>

namespace es_sim {

// High 32 bits of 2*a*b, rounded to nearest with ties toward +infinity (the
// nudge is 2^30 for a*b >= 0 and 1 - 2^30 below, so -1.5 becomes -1 and 1.5
// becomes 2); saturates the one overflowing case (INT32_MIN * INT32_MIN).
inline int32_t sat_rounding_doubling_high_mul(int32_t a, int32_t b) {
    if (a == b && a == std::numeric_limits<int32_t>::min()) {
        return std::numeric_limits<int32_t>::max();
    }
    const int64_t ab = static_cast<int64_t>(a) * static_cast<int64_t>(b);
    const int64_t nudge = ab >= 0 ? (int64_t{1} << 30) : (1 - (int64_t{1} << 30));
    // Division truncates toward zero; with the nudge this rounds ties upward.
    return static_cast<int32_t>((ab + nudge) / (int64_t{1} << 31));
}

// x / 2^exponent rounded to nearest, ties away from zero.
inline int32_t rounding_divide_by_pot(int32_t x, int exponent) {
    const int32_t mask = static_cast<int32_t>((int64_t{1} << exponent) - 1);
    const int32_t remainder = x & mask;
    const int32_t threshold = (mask >> 1) + (x < 0 ? 1 : 0);
    return (x >> exponent) + (remainder > threshold ? 1 : 0);
}

// x * M with M given as (mult, shift); shift > 0 shifts left before the multiply.
inline int32_t multiply_by_quantized_multiplier(int32_t x, int32_t mult, int shift) {
    const int left = shift > 0 ? shift : 0;
    const int right = shift > 0 ? 0 : -shift;
    // The left shift wraps on overflow in two's complement, as the reference does in practice.
    const int32_t shifted = static_cast<int32_t>(static_cast<uint32_t>(x) << left);
    return rounding_divide_by_pot(sat_rounding_doubling_high_mul(shifted, mult), right);
}

}  // namespace es_sim
