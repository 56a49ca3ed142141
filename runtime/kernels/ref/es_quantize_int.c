/*
 * Reference QUANTIZE between integer types (uint8 camera inputs, uint8 outputs, int16
 * ports): TFLite's Requantize, (x + input_offset) * M + output_offset clamped, with the
 * int8 kernel's arithmetic (es_requantize_s8). Integers only.
 */
#include "es_nn.h"
#include "es_nn_shapes.h"
#include "es_nn_support.h"

static es_status check_requantize(const es_requantize_params *params, int32_t size,
                                  const void *input, const void *output, int32_t type_min,
                                  int32_t type_max)
{
    if (!es_elementwise_args_are_valid(params, size, input, output)) {
        return ES_ERR_ARG;
    }
    if (!es_shift_is_valid(params->quant.shift) || params->activation.min > params->activation.max ||
        params->activation.min < type_min || params->activation.max > type_max) {
        return ES_ERR_RANGE;
    }
    return ES_OK;
}

/* The rescaled value, clamped to the activation range (inside the output type). The zero
 * point is added in 64 bits: for an int32 output the int32 sum could overflow. */
static int32_t requantize_value(int32_t x, const es_requantize_params *params)
{
    const int64_t value = (int64_t)es_multiply_by_quantized_multiplier(
                              x + params->input_offset, params->quant.multiplier,
                              params->quant.shift) + params->output_offset;
    if (value < params->activation.min) {
        return params->activation.min;
    }
    return value > params->activation.max ? params->activation.max : (int32_t)value;
}

#define ES_REQUANTIZE_LOOP(out_type, type_min, type_max) \
    do { \
        int32_t i_; \
        const es_status status_ = check_requantize(params, size, input, output, type_min, type_max); \
        for (i_ = 0; status_ == ES_OK && i_ < size; ++i_) { \
            output[i_] = (out_type)requantize_value((int32_t)input[i_], params); \
        } \
        return status_; \
    } while (0)

es_status es_quantize_u8_s8(const es_requantize_params *params, int32_t size,
                            const uint8_t *input, int8_t *output)
{
    ES_REQUANTIZE_LOOP(int8_t, INT8_MIN, INT8_MAX);
}

es_status es_quantize_s8_u8(const es_requantize_params *params, int32_t size,
                            const int8_t *input, uint8_t *output)
{
    ES_REQUANTIZE_LOOP(uint8_t, 0, UINT8_MAX);
}

es_status es_quantize_u8_u8(const es_requantize_params *params, int32_t size,
                            const uint8_t *input, uint8_t *output)
{
    ES_REQUANTIZE_LOOP(uint8_t, 0, UINT8_MAX);
}

es_status es_quantize_s16_s8(const es_requantize_params *params, int32_t size,
                             const int16_t *input, int8_t *output)
{
    ES_REQUANTIZE_LOOP(int8_t, INT8_MIN, INT8_MAX);
}

es_status es_quantize_s8_s16(const es_requantize_params *params, int32_t size,
                             const int8_t *input, int16_t *output)
{
    ES_REQUANTIZE_LOOP(int16_t, INT16_MIN, INT16_MAX);
}

es_status es_quantize_s16_s16(const es_requantize_params *params, int32_t size,
                              const int16_t *input, int16_t *output)
{
    ES_REQUANTIZE_LOOP(int16_t, INT16_MIN, INT16_MAX);
}

es_status es_quantize_s16_s32(const es_requantize_params *params, int32_t size,
                              const int16_t *input, int32_t *output)
{
    ES_REQUANTIZE_LOOP(int32_t, INT32_MIN, INT32_MAX);
}
