/*
 * Test-only entry points: the inline primitives of es_nn_support.h applied
 * to whole arrays, and the double-precision formula that the exact-scale
 * output stage must reproduce (libm round, then the x86-64 conversion).
 */
#include <math.h>
#include <stdint.h>

#include "es_nn_support.h"

void es_test_multiply_by_quantized_multiplier(const int32_t *x, int32_t n, int32_t multiplier,
                                              int32_t shift, int32_t *out);
void es_test_round_exact_scale(const int32_t *x, int32_t n, int64_t mantissa, int32_t exponent,
                               int32_t *out);
void es_test_round_double(const int32_t *x, int32_t n, double scale, int32_t *out);

void es_test_multiply_by_quantized_multiplier(const int32_t *x, int32_t n, int32_t multiplier,
                                              int32_t shift, int32_t *out)
{
    int32_t i;
    for (i = 0; i < n; ++i) {
        out[i] = es_multiply_by_quantized_multiplier(x[i], multiplier, shift);
    }
}

void es_test_round_exact_scale(const int32_t *x, int32_t n, int64_t mantissa, int32_t exponent,
                               int32_t *out)
{
    es_exact_scale scale;
    int32_t i;
    scale.mantissa = mantissa;
    scale.exponent = exponent;
    for (i = 0; i < n; ++i) {
        out[i] = es_round_exact_scale(x[i], scale);
    }
}

void es_test_round_double(const int32_t *x, int32_t n, double scale, int32_t *out)
{
    int32_t i;
    for (i = 0; i < n; ++i) {
        const double r = round((double)x[i] * scale);
        out[i] = (r >= -2147483648.0 && r < 2147483648.0) ? (int32_t)r : INT32_MIN;
    }
}
