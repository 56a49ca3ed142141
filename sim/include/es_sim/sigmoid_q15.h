// TFLite's int16 sigmoid and tanh: linear interpolation in the 256-entry table of
// sigmoid(k / 24) in unsigned Q0.16 (edgesmith.arith.sigmoid_table), shared by the int16
// LOGISTIC/TANH kernels and the int8 LSTM's gates.
#pragma once
#include <cstdint>
#include <cstdlib>

namespace es_sim {

// Q3.12 * 3 (the input stage's output) to Q0.15 sigmoid.
inline int16_t sigmoid_q15(const uint16_t* table, int32_t x) {
    const uint32_t ax = static_cast<uint32_t>(std::abs(x));
    const uint32_t k = ax >> 9;
    uint32_t r = 0x7FFFu << 10;
    if (k < 255) {
        const uint32_t a = table[k], b = table[k + 1];
        r = (a << 9) + (ax & 0x1FFu) * (b - a);
    }
    r = x >= 0 ? r + (1u << 9) : (1u << 25) - r + (1u << 9) - 1;
    return static_cast<int16_t>(r >> 10);
}

// tanh in Q0.15 by the same table at twice the argument (tanh(x) = 2 sigmoid(2x) - 1).
inline int16_t tanh_q15(const uint16_t* table, int32_t x) {
    const uint32_t ax = static_cast<uint32_t>(std::abs(x));
    const uint32_t k = ax >> 8;
    int32_t r = static_cast<int32_t>(0xFFFFu << 8);
    if (k < 255) {
        const uint32_t a = table[k], b = table[k + 1];
        r = static_cast<int32_t>((a << 8) + (ax & 0xFFu) * (b - a));
    }
    r = x >= 0 ? r - (1 << 23) + (1 << 7) : -r + (1 << 23) + (1 << 7) - 1;
    return static_cast<int16_t>(r >> 8);
}

}  // namespace es_sim
