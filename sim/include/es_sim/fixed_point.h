// Q-format fixed-point math used by the int8 softmax of the reference kernels.
//
// A raw int32 r "with I integer bits" stands for r * 2^-(31 - I). The
// functions reproduce, step for step, the fixed-point algorithms that TFLite's
// reference softmax borrows from gemmlowp: a polynomial exp on [-1/4, 0), a
// barrel shifter of exp(-2^k) constants for the rest of the negative range,
// and three Newton-Raphson steps for 1 / (1 + x). Additions wrap like the
// reference's int32 arithmetic; products are the saturating rounding doubling
// high multiply of requant.h.
#pragma once
#include <cstdint>
#include <limits>

#include "es_sim/requant.h"

namespace es_sim {
namespace fixed {

constexpr int32_t kRawMax = std::numeric_limits<int32_t>::max();
constexpr int32_t kRawMin = std::numeric_limits<int32_t>::min();

inline int32_t add(int32_t a, int32_t b) {
    return static_cast<int32_t>(static_cast<uint32_t>(a) + static_cast<uint32_t>(b));
}
inline int32_t sub(int32_t a, int32_t b) {
    return static_cast<int32_t>(static_cast<uint32_t>(a) - static_cast<uint32_t>(b));
}
inline int32_t mul(int32_t a, int32_t b) { return sat_rounding_doubling_high_mul(a, b); }

// x * 2^exponent: rounding when shifting right, saturating when shifting left.
inline int32_t mul_pot(int32_t x, int exponent) {
    if (exponent <= 0) {
        return rounding_divide_by_pot(x, -exponent);
    }
    const int32_t threshold = static_cast<int32_t>((uint32_t{1} << (31 - exponent)) - 1);
    if (x > threshold) return kRawMax;
    if (x < -threshold) return kRawMin;
    return static_cast<int32_t>(static_cast<uint32_t>(x) << exponent);
}

// Change the number of integer bits of a raw value from `from_bits` to `to_bits`.
inline int32_t rescale(int32_t x, int from_bits, int to_bits) {
    return mul_pot(x, from_bits - to_bits);
}

// (a + b) / 2 rounded half away from zero, without overflow.
inline int32_t rounding_half_sum(int32_t a, int32_t b) {
    const int64_t sum = static_cast<int64_t>(a) + static_cast<int64_t>(b);
    return static_cast<int32_t>((sum + (sum >= 0 ? 1 : -1)) / 2);
}

// exp(a) for a in [-1/4, 0), a and the result with 0 integer bits: a Taylor
// polynomial around -1/8.
inline int32_t exp_on_quarter_interval(int32_t a) {
    const int32_t exp_minus_one_eighth = 1895147668;
    const int32_t one_third = 715827883;
    const int32_t x = add(a, int32_t{1} << 28);  // a + 1/8
    const int32_t x2 = mul(x, x);
    const int32_t x3 = mul(x2, x);
    const int32_t x4 = mul(x2, x2);
    const int32_t x4_over_4 = mul_pot(x4, -2);
    const int32_t tail = mul_pot(add(mul(add(x4_over_4, x3), one_third), x2), -1);
    return add(exp_minus_one_eighth, mul(exp_minus_one_eighth, add(x, tail)));
}

// exp(a) for a <= 0 with `integer_bits` integer bits; the result has 0.
inline int32_t exp_on_negative_values(int32_t a, int integer_bits) {
    const int fractional_bits = 31 - integer_bits;
    const int32_t one_quarter = int32_t{1} << (fractional_bits - 2);
    const int32_t a_mod_quarter_minus_quarter = sub(a & (one_quarter - 1), one_quarter);
    int32_t result = exp_on_quarter_interval(rescale(a_mod_quarter_minus_quarter, integer_bits, 0));
    const int32_t remainder = sub(a_mod_quarter_minus_quarter, a);
    // exp(-2^k) for k = -2..4, applied for each bit of the remainder.
    static const int32_t kExpOfMinusPow2[7] = {1672461947, 1302514674, 790015084, 290630308,
                                               39332535,   720401,     242};
    for (int k = -2; k <= 4; ++k) {
        if (integer_bits > k && (remainder & (int32_t{1} << (fractional_bits + k))) != 0) {
            result = mul(result, kExpOfMinusPow2[k + 2]);
        }
    }
    if (integer_bits > 5 && a < -(int32_t{1} << (36 - integer_bits))) {
        result = 0;  // below exp(-32) nothing survives
    }
    return a == 0 ? kRawMax : result;
}

// 1 / (1 + a) for a in [0, 1), both with 0 integer bits.
inline int32_t one_over_one_plus_x(int32_t a) {
    const int32_t half_denominator = rounding_half_sum(a, kRawMax);
    const int32_t forty_eight_seventeenths = 1515870810;        // 48/17, 2 integer bits
    const int32_t minus_thirty_two_seventeenths = -1010580540;  // -32/17, 2 integer bits
    const int32_t one_q2 = int32_t{1} << 29;
    int32_t x = add(forty_eight_seventeenths, mul(half_denominator, minus_thirty_two_seventeenths));
    for (int step = 0; step < 3; ++step) {
        const int32_t one_minus_dx = sub(one_q2, mul(half_denominator, x));
        x = add(x, rescale(mul(x, one_minus_dx), 4, 2));
    }
    // x approximates 1/half_denominator = 2/(1+a); halve it exactly, then go to 0 integer bits.
    return rescale(x, 1, 0);
}

// 1 / x for x > 0 with `integer_bits` integer bits, as a 0-integer-bit value
// scaled by 2^-num_bits_over_unit.
inline int32_t reciprocal(int32_t x, int integer_bits, int* num_bits_over_unit) {
    const uint32_t ux = static_cast<uint32_t>(x);
    const int headroom_plus_one = ux == 0 ? 32 : __builtin_clz(ux);
    *num_bits_over_unit = integer_bits - headroom_plus_one;
    const int32_t shifted_minus_one =
        static_cast<int32_t>((ux << headroom_plus_one) - (uint32_t{1} << 31));
    return one_over_one_plus_x(shifted_minus_one);
}

}  // namespace fixed
}  // namespace es_sim
