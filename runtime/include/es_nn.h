/**
 * @file es_nn.h
 * @brief edgesmith int8 neural-network kernels: the public C99 API.
 *
 * Every kernel computes one sample (batch 1, NHWC) per call, allocates
 * nothing, keeps no state and reproduces the LiteRT reference kernels
 * (BUILTIN_REF op resolver) bit for bit. All integer parameters
 * (multipliers, shifts, offsets, clamp bounds, tables) are computed offline
 * by `edgesmith.quant.params` and passed in; nothing is derived from float
 * scales at run time.
 *
 * Conventions (see es_nn_types.h):
 * - input offsets are negated zero points, in [-127, 128]; output offsets
 *   are zero points, in [-128, 127];
 * - a Q31 requantization (multiplier, shift) means
 *   multiplier * 2^(shift - 31), multiplier in [0, 2^31 - 1], shift in [-31, 31];
 * - activation bounds satisfy -128 <= min <= max <= 127;
 * - dimensions are at least 1 and the int32 accumulator must not overflow
 *   (kernel taps times input channels below 2^16, as in the reference).
 *
 * Kernels that may need scratch memory in an optimized build take an
 * es_context and have a _get_buffer_size twin; the reference versions need
 * none (size 0, ctx may be NULL).
 *
 * Every kernel returns ES_OK, or ES_ERR_ARG (NULL pointer, size below 1),
 * ES_ERR_SHAPE (dimensions that disagree) or ES_ERR_RANGE (a parameter
 * outside its range) without writing the output.
 */
#ifndef ES_NN_H
#define ES_NN_H

#include <stdint.h>

#include "es_nn_types.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * @brief 2-D convolution, per-output-channel requantization.
 * @param[in]  ctx          scratch (unused by the reference; may be NULL)
 * @param[in]  params       offsets, stride >= 1, dilation >= 1, padding (top, left) >= 0, clamp
 * @param[in]  quant        one multiplier and shift per output channel
 * @param[in]  input_dims   [1, H, W, C_in]
 * @param[in]  input        int8 NHWC input
 * @param[in]  filter_dims  [C_out, KH, KW, C_in] (OHWI)
 * @param[in]  filter       int8 weights, zero point 0
 * @param[in]  bias         int32 bias of C_out values, or NULL
 * @param[in]  output_dims  [1, OH, OW, C_out]; OH, OW set the bottom/right padding
 * @param[out] output       int8 NHWC output
 */
es_status es_conv2d_s8(const es_context *ctx, const es_conv_params *params,
                       const es_per_channel_quant_params *quant, const es_dims *input_dims,
                       const int8_t *input, const es_dims *filter_dims, const int8_t *filter,
                       const int32_t *bias, const es_dims *output_dims, int8_t *output);

/**
 * @brief Scratch bytes es_conv2d_s8 needs (0 for the reference kernel).
 * @param[in] input_dims  [1, H, W, C_in]
 * @param[in] filter_dims [C_out, KH, KW, C_in]
 */
int32_t es_conv2d_s8_get_buffer_size(const es_dims *input_dims, const es_dims *filter_dims);

/**
 * @brief Depthwise 2-D convolution; output channel c reads input channel c / depth_multiplier.
 * @param[in]  ctx          scratch (unused by the reference; may be NULL)
 * @param[in]  params       offsets, depth_multiplier >= 1, stride, dilation, padding, clamp
 * @param[in]  quant        one multiplier and shift per output channel
 * @param[in]  input_dims   [1, H, W, C]
 * @param[in]  input        int8 NHWC input
 * @param[in]  filter_dims  [1, KH, KW, C * depth_multiplier]
 * @param[in]  filter       int8 weights, zero point 0
 * @param[in]  bias         int32 bias of C * depth_multiplier values, or NULL
 * @param[in]  output_dims  [1, OH, OW, C * depth_multiplier]
 * @param[out] output       int8 NHWC output
 */
es_status es_depthwise_conv2d_s8(const es_context *ctx, const es_dw_conv_params *params,
                                 const es_per_channel_quant_params *quant,
                                 const es_dims *input_dims, const int8_t *input,
                                 const es_dims *filter_dims, const int8_t *filter,
                                 const int32_t *bias, const es_dims *output_dims, int8_t *output);

/**
 * @brief Scratch bytes es_depthwise_conv2d_s8 needs (0 for the reference kernel).
 * @param[in] input_dims  [1, H, W, C]
 * @param[in] filter_dims [1, KH, KW, C * depth_multiplier]
 */
int32_t es_depthwise_conv2d_s8_get_buffer_size(const es_dims *input_dims,
                                               const es_dims *filter_dims);

/**
 * @brief Dense layer, one output per weight row.
 *
 * output[o] = clamp(scale(sum_k (filter[o][k] + filter_offset) * (input[k] + input_offset)
 *                         + bias[o]) + output_offset).
 *
 * With ES_OUTPUT_STAGE_EXACT_SCALE the accumulator is scaled as LiteRT's
 * reference kernel does, round(acc * (double)scale) with ties away from zero,
 * reproduced in integer arithmetic; an out-of-int32 product becomes INT32_MIN
 * before the (wrapping) output offset, as on x86-64.
 * @param[in]  ctx     scratch (unused by the reference; may be NULL)
 * @param[in]  params  offsets (filter_offset in [-127, 128]) and clamp
 * @param[in]  quant   output stage; per_channel 0 or 1; Q31 shifts in [-31, 31];
 *                     exact-scale mantissas in [0, 2^53)
 * @param[in]  dims    accum_depth K >= 1, output_depth O >= 1
 * @param[in]  input   K int8 values (the flattened sample)
 * @param[in]  filter  int8 weights [O, K]
 * @param[in]  bias    int32 bias of O values, or NULL
 * @param[out] output  O int8 values
 */
es_status es_fully_connected_s8(const es_context *ctx, const es_fc_params *params,
                                const es_fc_quant_params *quant, const es_fc_dims *dims,
                                const int8_t *input, const int8_t *filter, const int32_t *bias,
                                int8_t *output);

/**
 * @brief Scratch bytes es_fully_connected_s8 needs (0 for the reference kernel).
 * @param[in] dims accum_depth and output_depth
 */
int32_t es_fully_connected_s8_get_buffer_size(const es_fc_dims *dims);

/**
 * @brief Average pooling over the window cells inside the image, rounded half away from zero.
 * @param[in]  params       window >= 1, stride >= 1, padding (top, left) >= 0, clamp
 * @param[in]  input_dims   [1, H, W, C]
 * @param[in]  input        int8 NHWC input
 * @param[in]  output_dims  [1, OH, OW, C]; every window must overlap the image
 * @param[out] output       int8 NHWC output, same format as the input
 */
es_status es_avg_pool2d_s8(const es_pool_params *params, const es_dims *input_dims,
                           const int8_t *input, const es_dims *output_dims, int8_t *output);

/**
 * @brief Max pooling over the window cells inside the image.
 * @param[in]  params       window >= 1, stride >= 1, padding (top, left) >= 0, clamp
 * @param[in]  input_dims   [1, H, W, C]
 * @param[in]  input        int8 NHWC input
 * @param[in]  output_dims  [1, OH, OW, C]
 * @param[out] output       int8 NHWC output, same format as the input
 */
es_status es_max_pool2d_s8(const es_pool_params *params, const es_dims *input_dims,
                           const int8_t *input, const es_dims *output_dims, int8_t *output);

/**
 * @brief Elementwise a + b with broadcasting of size-1 dimensions.
 * @param[in]  params       offsets, left_shift in [0, 23] (LiteRT uses 20), shifts in [-31, 31]
 *                          (input shifts <= 0 in practice), clamp
 * @param[in]  input1_dims  shape of a; each dimension 1 or equal to the output's
 * @param[in]  input1       int8 a
 * @param[in]  input2_dims  shape of b; each dimension 1 or equal to the output's
 * @param[in]  input2       int8 b
 * @param[in]  output_dims  broadcast shape
 * @param[out] output       int8 a + b
 */
es_status es_add_s8(const es_add_params *params, const es_dims *input1_dims, const int8_t *input1,
                    const es_dims *input2_dims, const int8_t *input2, const es_dims *output_dims,
                    int8_t *output);

/**
 * @brief Elementwise a * b with broadcasting of size-1 dimensions.
 * @param[in]  params       offsets, output multiplier and shift, clamp
 * @param[in]  input1_dims  shape of a; each dimension 1 or equal to the output's
 * @param[in]  input1       int8 a
 * @param[in]  input2_dims  shape of b; each dimension 1 or equal to the output's
 * @param[in]  input2       int8 b
 * @param[in]  output_dims  broadcast shape
 * @param[out] output       int8 a * b
 */
es_status es_mul_s8(const es_mul_params *params, const es_dims *input1_dims, const int8_t *input1,
                    const es_dims *input2_dims, const int8_t *input2, const es_dims *output_dims,
                    int8_t *output);

/**
 * @brief Softmax over each row of `depth` values; output scale 1/256, zero point -128.
 *
 * A row whose sum of exponentials (relative to its maximum) reaches 512, e.g.
 * more than 511 equal maxima, cannot be represented by the reference
 * algorithm (LiteRT aborts): the kernel returns ES_ERR_RANGE there, with the
 * rows before it already written.
 * @param[in]  params  input_multiplier >= 0, input_left_shift in [0, 31], diff_min <= 0
 * @param[in]  rows    number of rows >= 1
 * @param[in]  depth   values per row >= 1
 * @param[in]  input   int8 [rows, depth]
 * @param[out] output  int8 [rows, depth]
 */
es_status es_softmax_s8(const es_softmax_params *params, int32_t rows, int32_t depth,
                        const int8_t *input, int8_t *output);

/**
 * @brief Logistic through a 256-entry table: output[i] = table[input[i] + 128].
 * @param[in]  table   the output code for each input code -128..127
 * @param[in]  size    number of values >= 1
 * @param[in]  input   int8 values
 * @param[out] output  int8 values (may alias input)
 */
es_status es_logistic_s8(const int8_t *table, int32_t size, const int8_t *input, int8_t *output);

/**
 * @brief Hyperbolic tangent through a 256-entry table: output[i] = table[input[i] + 128].
 * @param[in]  table   the output code for each input code -128..127
 * @param[in]  size    number of values >= 1
 * @param[in]  input   int8 values
 * @param[out] output  int8 values (may alias input)
 */
es_status es_tanh_s8(const int8_t *table, int32_t size, const int8_t *input, int8_t *output);

/**
 * @brief Mean over the dimensions flagged in params->axes.
 * @param[in]  params       offsets, quant (with the division by the reduced count folded
 *                          in), axes (ES_AXIS_* bits)
 * @param[in]  input_dims   any 4-D shape
 * @param[in]  input        int8 values
 * @param[out] output       int8 values in the input's order with the reduced dimensions removed
 */
es_status es_mean_s8(const es_mean_params *params, const es_dims *input_dims, const int8_t *input,
                     int8_t *output);

/**
 * @brief Constant padding: output_dims = input_dims + before + after.
 * @param[in]  params       before >= 0 per dimension, pad_value in [-128, 127] (the zero point)
 * @param[in]  input_dims   any 4-D shape
 * @param[in]  input        int8 values
 * @param[in]  output_dims  each dimension >= before + input dimension
 * @param[out] output       int8 values
 */
es_status es_pad_s8(const es_pad_params *params, const es_dims *input_dims, const int8_t *input,
                    const es_dims *output_dims, int8_t *output);

/**
 * @brief Concatenation of inputs that share one format along one axis.
 * @param[in]  params       axis in [0, 3], num_inputs >= 1
 * @param[in]  input_dims   num_inputs shapes, equal outside the axis
 * @param[in]  inputs       num_inputs int8 arrays
 * @param[in]  output_dims  the shapes' sum along the axis
 * @param[out] output       int8 values
 */
es_status es_concat_s8(const es_concat_params *params, const es_dims *input_dims,
                       const int8_t *const *inputs, const es_dims *output_dims, int8_t *output);

/**
 * @brief Rescale to a new format (QUANTIZE int8 -> int8).
 *
 * output = clamp((x + input_offset) * M + output_offset).
 * @param[in]  params  offsets, Q31 quant, clamp (normally the full int8 range)
 * @param[in]  size    number of values >= 1
 * @param[in]  input   int8 values
 * @param[out] output  int8 values (may alias input)
 */
es_status es_requantize_s8(const es_requantize_params *params, int32_t size, const int8_t *input,
                           int8_t *output);

/**
 * @brief RELU, RELU6 and RELU_N1_TO_1: a requantization clamped to the activation's range.
 * @param[in]  params  offsets, Q31 quant (input scale / output scale), clamp of the activation
 * @param[in]  size    number of values >= 1
 * @param[in]  input   int8 values
 * @param[out] output  int8 values (may alias input)
 */
es_status es_relu_s8(const es_requantize_params *params, int32_t size, const int8_t *input,
                     int8_t *output);

#ifdef __cplusplus
}
#endif

#endif /* ES_NN_H */
