/*
 * Reference QUANTIZE from float32 and DEQUANTIZE to float32: the edges of an integer model.
 *
 * Single precision only (no double, no libm): a float32 division, a truncating cast and a
 * float32 multiply are IEEE operations with one rounding each, so soft-float (Cortex-M0/M3)
 * and an FPU (Cortex-M4F/M7) compute the very bits the host does.
 */
#include "es_nn.h"
#include "es_nn_shapes.h"

/* TFLite's AffineQuantize before the clamp: (int32)round(x / scale) + zero_point, round half
 * away from zero. Out of int32 (or NaN) gives INT32_MIN (what the reference's unchecked cast
 * does on x86-64) and the addition wraps, so every platform agrees with the simulator. */
static int32_t quantize_value(float x, float scale, int32_t zero_point)
{
    const float r = x / scale;
    int32_t q = INT32_MIN;
    if (r >= -2147483648.0f && r < 2147483648.0f) {
        const int32_t t = (int32_t)r;          /* toward zero */
        const float fraction = r - (float)t;  /* exact, so the tie test is exact too */
        q = t + (fraction >= 0.5f ? 1 : 0) - (fraction <= -0.5f ? 1 : 0);
    }
    return (int32_t)((uint32_t)q + (uint32_t)zero_point);
}

static int32_t clamp_value(int32_t value, es_activation range)
{
    value = value < range.min ? range.min : value;
    return value > range.max ? range.max : value;
}

static es_status check_quantize(const es_quantize_float_params *params, int32_t size,
                                const void *input, const void *output, int32_t type_min,
                                int32_t type_max)
{
    if (!es_elementwise_args_are_valid(params, size, input, output)) {
        return ES_ERR_ARG;
    }
    if (!(params->scale > 0.0f) || params->activation.min > params->activation.max ||
        params->activation.min < type_min || params->activation.max > type_max) {
        return ES_ERR_RANGE;
    }
    return ES_OK;
}

/* One loop for every integer output type: check, then quantize and clamp each value. */
#define ES_QUANTIZE_LOOP(out_type, type_min, type_max) \
    do { \
        int32_t i_; \
        const es_status status_ = check_quantize(params, size, input, output, type_min, type_max); \
        for (i_ = 0; status_ == ES_OK && i_ < size; ++i_) { \
            output[i_] = (out_type)clamp_value( \
                quantize_value(input[i_], params->scale, params->zero_point), params->activation); \
        } \
        return status_; \
    } while (0)

es_status es_quantize_f32_s8(const es_quantize_float_params *params, int32_t size,
                             const float *input, int8_t *output)
{
    ES_QUANTIZE_LOOP(int8_t, INT8_MIN, INT8_MAX);
}

es_status es_quantize_f32_u8(const es_quantize_float_params *params, int32_t size,
                             const float *input, uint8_t *output)
{
    ES_QUANTIZE_LOOP(uint8_t, 0, UINT8_MAX);
}

es_status es_quantize_f32_s16(const es_quantize_float_params *params, int32_t size,
                              const float *input, int16_t *output)
{
    ES_QUANTIZE_LOOP(int16_t, INT16_MIN, INT16_MAX);
}

/* (float)(q - zero_point) is exact (|q - zero_point| < 2^17), so the one float32 multiply
 * rounds the exact product once, as the reference's double product cast to float does. */
#define ES_DEQUANTIZE_LOOP(params, size, input, output) \
    do { \
        int32_t i_; \
        if (!es_elementwise_args_are_valid(params, size, input, output)) { \
            return ES_ERR_ARG; \
        } \
        for (i_ = 0; i_ < (size); ++i_) { \
            (output)[i_] = (params)->scale * (float)((int32_t)(input)[i_] - (params)->zero_point); \
        } \
        return ES_OK; \
    } while (0)

es_status es_dequantize_s8_f32(const es_dequantize_params *params, int32_t size,
                               const int8_t *input, float *output)
{
    ES_DEQUANTIZE_LOOP(params, size, input, output);
}

es_status es_dequantize_u8_f32(const es_dequantize_params *params, int32_t size,
                               const uint8_t *input, float *output)
{
    ES_DEQUANTIZE_LOOP(params, size, input, output);
}

es_status es_dequantize_s16_f32(const es_dequantize_params *params, int32_t size,
                                const int16_t *input, float *output)
{
    ES_DEQUANTIZE_LOOP(params, size, input, output);
}
