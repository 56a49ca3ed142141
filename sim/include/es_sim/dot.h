// Integer dot products in fixed-width blocks.
//
// The block loops have a constant trip count, which lets the compiler turn
// them into SIMD code at -O2. Integer addition wraps and is associative, so
// any summation order gives the reference kernels' int32 result.
#pragma once
#include <cstdint>

namespace es_sim {

constexpr int kDotBlock = 16;

// sum(w[i] * x[i]) for i < n, accumulated in int32.
inline int32_t dot_s8_s16(const int8_t* w, const int16_t* x, int n) {
    int32_t lanes[kDotBlock] = {0};
    int i = 0;
    for (; i + kDotBlock <= n; i += kDotBlock) {
        for (int j = 0; j < kDotBlock; ++j) {
            lanes[j] += static_cast<int32_t>(w[i + j]) * static_cast<int32_t>(x[i + j]);
        }
    }
    int32_t sum = 0;
    for (int j = 0; j < kDotBlock; ++j) sum += lanes[j];
    for (; i < n; ++i) sum += static_cast<int32_t>(w[i]) * static_cast<int32_t>(x[i]);
    return sum;
}

// acc[i] += w[i] * x[i] for i < n.
inline void multiply_accumulate_s8_s16(int32_t* acc, const int8_t* w, const int16_t* x, int n) {
    int i = 0;
    for (; i + kDotBlock <= n; i += kDotBlock) {
        for (int j = 0; j < kDotBlock; ++j) {
            acc[i + j] += static_cast<int32_t>(w[i + j]) * static_cast<int32_t>(x[i + j]);
        }
    }
    for (; i < n; ++i) acc[i] += static_cast<int32_t>(w[i]) * static_cast<int32_t>(x[i]);
}

// out[i] = x[i] + offset, widened so that the sum cannot overflow.
inline void widen_with_offset(int16_t* out, const int8_t* x, int32_t offset, int n) {
    for (int i = 0; i < n; ++i) out[i] = static_cast<int16_t>(x[i] + offset);
}

}  // namespace es_sim
