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
 * @brief es_depthwise_conv2d_s8 with depth_multiplier 1, writing its output over its input.
 *
 * Bit-identical to es_depthwise_conv2d_s8. Channel by channel, the OH * OW
 * outputs of channel c go to `scratch`, then to the channel-c slots of the
 * first OH * OW pixels of `input` (the output's NHWC layout). No channel
 * reads another's slots, so every input value is read before it is
 * overwritten. The memory planner's in-place depthwise contract
 * (edgesmith.memory.inplace).
 * @param[in]     ctx          scratch (unused by the reference; may be NULL)
 * @param[in]     params       as es_depthwise_conv2d_s8, depth_multiplier 1
 * @param[in]     quant        one multiplier and shift per channel
 * @param[in]     input_dims   [1, H, W, C]
 * @param[in,out] input        the NHWC input on entry, the NHWC output on return;
 *                             max(H * W, OH * OW) * C bytes
 * @param[in]     filter_dims  [1, KH, KW, C]
 * @param[in]     filter       int8 weights, zero point 0
 * @param[in]     bias         int32 bias of C values, or NULL
 * @param[in]     output_dims  [1, OH, OW, C]
 * @param[out]    scratch      OH * OW bytes, not overlapping `input`
 */
es_status es_depthwise_conv2d_s8_inplace(const es_context *ctx, const es_dw_conv_params *params,
                                         const es_per_channel_quant_params *quant,
                                         const es_dims *input_dims, int8_t *input,
                                         const es_dims *filter_dims, const int8_t *filter,
                                         const int32_t *bias, const es_dims *output_dims,
                                         int8_t *scratch);

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

/* ---- Fixed point: ap_fixed<W, I, Q, O> tensors (raw int32), es_*_fx --------------------- */

/**
 * @brief Fixed-point dense layer: exact int64 sum, bias, fused activation, one cast.
 *
 * output[o] = cast(clamp((sum_k input[k] * filter[o][k]) << product_shift
 *                        + bias[o] << bias_shift)) with the output's rounding and
 * overflow modes (es_fx_output). The generator proves |accumulator| < 2^62.
 * @param[in]  ctx     scratch (unused by the reference; may be NULL)
 * @param[in]  params  shifts in [0, 62]; output width 1..32 (unsigned 1..31), clamp_min <= clamp_max
 * @param[in]  dims    accum_depth K >= 1, output_depth O >= 1
 * @param[in]  input   K raw values
 * @param[in]  filter  raw weights [O, K]
 * @param[in]  bias    O raw values, or NULL
 * @param[out] output  O raw values
 */
es_status es_fully_connected_fx(const es_context *ctx, const es_fx_mac_params *params,
                                const es_fc_dims *dims, const int32_t *input,
                                const int32_t *filter, const int32_t *bias, int32_t *output);

/**
 * @brief Fixed-point 2-D convolution (NHWC, OHWI weights); padding adds nothing.
 * @param[in]  ctx          scratch (unused by the reference; may be NULL)
 * @param[in]  params       stride >= 1, dilation >= 1, padding (top, left) >= 0, MAC stage
 * @param[in]  input_dims   [1, H, W, C_in]
 * @param[in]  input        raw input values
 * @param[in]  filter_dims  [C_out, KH, KW, C_in]
 * @param[in]  filter       raw weights
 * @param[in]  bias         C_out raw values, or NULL
 * @param[in]  output_dims  [1, OH, OW, C_out]
 * @param[out] output       raw output values
 */
es_status es_conv2d_fx(const es_context *ctx, const es_conv_fx_params *params,
                       const es_dims *input_dims, const int32_t *input, const es_dims *filter_dims,
                       const int32_t *filter, const int32_t *bias, const es_dims *output_dims,
                       int32_t *output);

/**
 * @brief Fixed-point depthwise 2-D convolution; output channel c reads input channel c / M.
 * @param[in]  ctx          scratch (unused by the reference; may be NULL)
 * @param[in]  params       depth_multiplier M >= 1, stride, dilation, padding, MAC stage
 * @param[in]  input_dims   [1, H, W, C]
 * @param[in]  input        raw input values
 * @param[in]  filter_dims  [1, KH, KW, C * M]
 * @param[in]  filter       raw weights
 * @param[in]  bias         C * M raw values, or NULL
 * @param[in]  output_dims  [1, OH, OW, C * M]
 * @param[out] output       raw output values
 */
es_status es_depthwise_conv2d_fx(const es_context *ctx, const es_dw_conv_fx_params *params,
                                 const es_dims *input_dims, const int32_t *input,
                                 const es_dims *filter_dims, const int32_t *filter,
                                 const int32_t *bias, const es_dims *output_dims, int32_t *output);

/* ---- Fixed-point weights in the smallest type that holds their format ------------------ */

/**
 * @brief es_fully_connected_fx, es_conv2d_fx and es_depthwise_conv2d_fx with a filter whose
 *        ap_fixed format fits 16 bits (w16: int16_t) or 8 bits (w8: int8_t): the same raw
 *        integers in half or a quarter of the flash, the same results. Bias, input and
 *        output stay raw int32.
 */
es_status es_fully_connected_w16_fx(const es_context *ctx, const es_fx_mac_params *params,
                                    const es_fc_dims *dims, const int32_t *input,
                                    const int16_t *filter, const int32_t *bias, int32_t *output);
es_status es_fully_connected_w8_fx(const es_context *ctx, const es_fx_mac_params *params,
                                   const es_fc_dims *dims, const int32_t *input,
                                   const int8_t *filter, const int32_t *bias, int32_t *output);
es_status es_conv2d_w16_fx(const es_context *ctx, const es_conv_fx_params *params,
                           const es_dims *input_dims, const int32_t *input,
                           const es_dims *filter_dims, const int16_t *filter, const int32_t *bias,
                           const es_dims *output_dims, int32_t *output);
es_status es_conv2d_w8_fx(const es_context *ctx, const es_conv_fx_params *params,
                          const es_dims *input_dims, const int32_t *input,
                          const es_dims *filter_dims, const int8_t *filter, const int32_t *bias,
                          const es_dims *output_dims, int32_t *output);
es_status es_depthwise_conv2d_w16_fx(const es_context *ctx, const es_dw_conv_fx_params *params,
                                     const es_dims *input_dims, const int32_t *input,
                                     const es_dims *filter_dims, const int16_t *filter,
                                     const int32_t *bias, const es_dims *output_dims,
                                     int32_t *output);
es_status es_depthwise_conv2d_w8_fx(const es_context *ctx, const es_dw_conv_fx_params *params,
                                    const es_dims *input_dims, const int32_t *input,
                                    const es_dims *filter_dims, const int8_t *filter,
                                    const int32_t *bias, const es_dims *output_dims,
                                    int32_t *output);

/**
 * @brief Fixed-point max pooling over the window cells inside the image.
 * @param[in]  params       window >= 1, stride >= 1, padding >= 0, input_shift in [0, 30], output stage
 * @param[in]  input_dims   [1, H, W, C]
 * @param[in]  input        raw values
 * @param[in]  output_dims  [1, OH, OW, C]; every window must overlap the image
 * @param[out] output       raw values
 */
es_status es_max_pool2d_fx(const es_pool_fx_params *params, const es_dims *input_dims,
                           const int32_t *input, const es_dims *output_dims, int32_t *output);

/**
 * @brief Fixed-point average pooling: the exact mean of the cells inside the image, cast once
 *        (the remainder of the division decides the rounding).
 * @param[in]  params       as es_max_pool2d_fx; output.drop in [-30, 30]
 * @param[in]  input_dims   [1, H, W, C]
 * @param[in]  input        raw values
 * @param[in]  output_dims  [1, OH, OW, C]; every window must overlap the image
 * @param[out] output       raw values
 */
es_status es_avg_pool2d_fx(const es_pool_fx_params *params, const es_dims *input_dims,
                           const int32_t *input, const es_dims *output_dims, int32_t *output);

/**
 * @brief Fixed-point a + b with broadcasting of size-1 dimensions, exact, cast once.
 * @param[in]  params       input shifts in [0, 30] (to the finer binary point), output stage
 * @param[in]  input1_dims  shape of a; each dimension 1 or equal to the output's
 * @param[in]  input1       raw a
 * @param[in]  input2_dims  shape of b
 * @param[in]  input2       raw b
 * @param[in]  output_dims  broadcast shape
 * @param[out] output       raw a + b (may alias an input of the output's shape)
 */
es_status es_add_fx(const es_add_fx_params *params, const es_dims *input1_dims,
                    const int32_t *input1, const es_dims *input2_dims, const int32_t *input2,
                    const es_dims *output_dims, int32_t *output);

/**
 * @brief Fixed-point RELU / RELU6 / RELU_N1_TO_1 (the clamp), or a plain cast between
 *        fixed-point types (QUANTIZE, empty clamp).
 * @param[in]  params  input_shift in [0, 30], output stage
 * @param[in]  size    number of values >= 1
 * @param[in]  input   raw values
 * @param[out] output  raw values (may alias input)
 */
es_status es_relu_fx(const es_relu_fx_params *params, int32_t size, const int32_t *input,
                     int32_t *output);

/**
 * @brief Fixed-point a * b with broadcasting of size-1 dimensions: the exact product, cast once.
 * @param[in]  params       product_shift in [0, 62] (the generator bounds |a * b| << shift
 *                          below 2^62), output stage
 * @param[in]  input1_dims  shape of a; each dimension 1 or equal to the output's
 * @param[in]  input1       raw a
 * @param[in]  input2_dims  shape of b
 * @param[in]  input2       raw b
 * @param[in]  output_dims  broadcast shape
 * @param[out] output       raw a * b (may alias an input of the output's shape)
 */
es_status es_mul_fx(const es_mul_fx_params *params, const es_dims *input1_dims,
                    const int32_t *input1, const es_dims *input2_dims, const int32_t *input2,
                    const es_dims *output_dims, int32_t *output);

/**
 * @brief Fixed-point concatenation: each input cast into the output type (with the fused
 *        activation) as es_relu_fx does, one contiguous run per input and outer index.
 * @param[in]  params       axis in [0, 3], num_inputs >= 1
 * @param[in]  casts        num_inputs casts, one per input (its shift, clamp and drop)
 * @param[in]  input_dims   num_inputs shapes, equal outside the axis
 * @param[in]  inputs       num_inputs raw arrays
 * @param[in]  output_dims  the shapes' sum along the axis
 * @param[out] output       raw values
 */
es_status es_concat_fx(const es_concat_params *params, const es_relu_fx_params *casts,
                       const es_dims *input_dims, const int32_t *const *inputs,
                       const es_dims *output_dims, int32_t *output);

/**
 * @brief Fixed-point sigmoid by table (es_table_fx_params).
 * @param[in]  params  table of size >= 1 entries, shift in [0, 62]
 * @param[in]  size    number of values >= 1
 * @param[in]  input   raw values
 * @param[out] output  raw values (may alias input)
 */
es_status es_logistic_fx(const es_table_fx_params *params, int32_t size, const int32_t *input,
                         int32_t *output);

/**
 * @brief Fixed-point tanh by table (es_table_fx_params).
 * @param[in]  params  table of size >= 1 entries, shift in [0, 62]
 * @param[in]  size    number of values >= 1
 * @param[in]  input   raw values
 * @param[out] output  raw values (may alias input)
 */
es_status es_tanh_fx(const es_table_fx_params *params, int32_t size, const int32_t *input,
                     int32_t *output);

/**
 * @brief Fixed-point softmax over each row of `depth` values, by tables (es_softmax_fx_params).
 * @param[in]  params  tables of >= 1 entries, shifts in [0, 62], output stage
 * @param[in]  rows    number of rows >= 1
 * @param[in]  depth   values per row >= 1
 * @param[in]  input   raw [rows, depth]
 * @param[out] output  raw [rows, depth] (may alias input: a row's value is read before its
 *                     output is written)
 */
es_status es_softmax_fx(const es_softmax_fx_params *params, int32_t rows, int32_t depth,
                        const int32_t *input, int32_t *output);

/* ---- Power-of-two weights on fixed-point activations, es_*_p2 -------------------------- */

/**
 * @brief Dense layer with power-of-two weights: shifts and adds, no multiply; otherwise
 *        es_fully_connected_fx.
 * @param[in]  ctx     scratch (unused by the reference; may be NULL)
 * @param[in]  params  as es_fully_connected_fx
 * @param[in]  code    code layout (es_pow2_code); every code is checked before any output
 * @param[in]  dims    accum_depth K >= 1, output_depth O >= 1
 * @param[in]  input   K raw values
 * @param[in]  filter  O * K codes [O, K], packed as code->code_bits says
 * @param[in]  bias    O raw values, or NULL
 * @param[out] output  O raw values
 */
es_status es_fully_connected_p2(const es_context *ctx, const es_fx_mac_params *params,
                                const es_pow2_code *code, const es_fc_dims *dims,
                                const int32_t *input, const uint8_t *filter, const int32_t *bias,
                                int32_t *output);

/**
 * @brief 2-D convolution with power-of-two weights (OHWI codes); otherwise es_conv2d_fx.
 * @param[in]  ctx          scratch (unused by the reference; may be NULL)
 * @param[in]  params       as es_conv2d_fx
 * @param[in]  code         code layout
 * @param[in]  input_dims   [1, H, W, C_in]
 * @param[in]  input        raw input values
 * @param[in]  filter_dims  [C_out, KH, KW, C_in]
 * @param[in]  filter       codes, packed as code->code_bits says
 * @param[in]  bias         C_out raw values, or NULL
 * @param[in]  output_dims  [1, OH, OW, C_out]
 * @param[out] output       raw output values
 */
es_status es_conv2d_p2(const es_context *ctx, const es_conv_fx_params *params,
                       const es_pow2_code *code, const es_dims *input_dims, const int32_t *input,
                       const es_dims *filter_dims, const uint8_t *filter, const int32_t *bias,
                       const es_dims *output_dims, int32_t *output);

/**
 * @brief Depthwise 2-D convolution with power-of-two weights; otherwise es_depthwise_conv2d_fx.
 * @param[in]  ctx          scratch (unused by the reference; may be NULL)
 * @param[in]  params       as es_depthwise_conv2d_fx
 * @param[in]  code         code layout
 * @param[in]  input_dims   [1, H, W, C]
 * @param[in]  input        raw input values
 * @param[in]  filter_dims  [1, KH, KW, C * M]
 * @param[in]  filter       codes, packed as code->code_bits says
 * @param[in]  bias         C * M raw values, or NULL
 * @param[in]  output_dims  [1, OH, OW, C * M]
 * @param[out] output       raw output values
 */
es_status es_depthwise_conv2d_p2(const es_context *ctx, const es_dw_conv_fx_params *params,
                                 const es_pow2_code *code, const es_dims *input_dims,
                                 const int32_t *input, const es_dims *filter_dims,
                                 const uint8_t *filter, const int32_t *bias,
                                 const es_dims *output_dims, int32_t *output);

/* ---- Sub-byte affine tensors packed 4 or 2 bits a value, es_*_s4 ------------------------ */

/**
 * @brief es_conv2d_s8 on packed operands (packing in es_nn_types.h, es_packing).
 * @param[in]  ctx          scratch (unused by the reference; may be NULL)
 * @param[in]  params       as es_conv2d_s8; the clamp inside the output width's range
 * @param[in]  quant        one multiplier and shift per output channel
 * @param[in]  packing      bits of input, filter and output: 8, 4 or 2 each
 * @param[in]  input_dims   [1, H, W, C_in]
 * @param[in]  input        packed input
 * @param[in]  filter_dims  [C_out, KH, KW, C_in]
 * @param[in]  filter       packed weights, zero point 0
 * @param[in]  bias         int32 bias of C_out values, or NULL
 * @param[in]  output_dims  [1, OH, OW, C_out]
 * @param[out] output       packed output
 */
es_status es_conv2d_s4(const es_context *ctx, const es_conv_params *params,
                       const es_per_channel_quant_params *quant, const es_packing *packing,
                       const es_dims *input_dims, const int8_t *input, const es_dims *filter_dims,
                       const uint8_t *filter, const int32_t *bias, const es_dims *output_dims,
                       int8_t *output);

/**
 * @brief es_depthwise_conv2d_s8 on packed operands.
 * @param[in]  ctx          scratch (unused by the reference; may be NULL)
 * @param[in]  params       as es_depthwise_conv2d_s8; the clamp inside the output width's range
 * @param[in]  quant        one multiplier and shift per output channel
 * @param[in]  packing      bits of input, filter and output: 8, 4 or 2 each
 * @param[in]  input_dims   [1, H, W, C]
 * @param[in]  input        packed input
 * @param[in]  filter_dims  [1, KH, KW, C * depth_multiplier]
 * @param[in]  filter       packed weights, zero point 0
 * @param[in]  bias         int32 bias, or NULL
 * @param[in]  output_dims  [1, OH, OW, C * depth_multiplier]
 * @param[out] output       packed output
 */
es_status es_depthwise_conv2d_s4(const es_context *ctx, const es_dw_conv_params *params,
                                 const es_per_channel_quant_params *quant,
                                 const es_packing *packing, const es_dims *input_dims,
                                 const int8_t *input, const es_dims *filter_dims,
                                 const uint8_t *filter, const int32_t *bias,
                                 const es_dims *output_dims, int8_t *output);

/**
 * @brief es_fully_connected_s8 (either output stage) on packed operands.
 * @param[in]  ctx      scratch (unused by the reference; may be NULL)
 * @param[in]  params   as es_fully_connected_s8; the clamp inside the output width's range
 * @param[in]  quant    output stage, as es_fully_connected_s8
 * @param[in]  packing  bits of input, filter and output: 8, 4 or 2 each
 * @param[in]  dims     accum_depth K >= 1, output_depth O >= 1
 * @param[in]  input    K packed values
 * @param[in]  filter   packed weights [O, K]
 * @param[in]  bias     int32 bias of O values, or NULL
 * @param[out] output   O packed values
 */
es_status es_fully_connected_s4(const es_context *ctx, const es_fc_params *params,
                                const es_fc_quant_params *quant, const es_packing *packing,
                                const es_fc_dims *dims, const int8_t *input,
                                const uint8_t *filter, const int32_t *bias, int8_t *output);

/**
 * @brief es_max_pool2d_s8 on packed values.
 * @param[in]  params       as es_max_pool2d_s8; the clamp inside the range of `bits`
 * @param[in]  bits         8, 4 or 2 (input and output share one format)
 * @param[in]  input_dims   [1, H, W, C]
 * @param[in]  input        packed values
 * @param[in]  output_dims  [1, OH, OW, C]
 * @param[out] output       packed values
 */
es_status es_max_pool2d_s4(const es_pool_params *params, int32_t bits, const es_dims *input_dims,
                           const int8_t *input, const es_dims *output_dims, int8_t *output);

/**
 * @brief es_avg_pool2d_s8 on packed values.
 * @param[in]  params       as es_avg_pool2d_s8; the clamp inside the range of `bits`
 * @param[in]  bits         8, 4 or 2 (input and output share one format)
 * @param[in]  input_dims   [1, H, W, C]
 * @param[in]  input        packed values
 * @param[in]  output_dims  [1, OH, OW, C]
 * @param[out] output       packed values
 */
es_status es_avg_pool2d_s4(const es_pool_params *params, int32_t bits, const es_dims *input_dims,
                           const int8_t *input, const es_dims *output_dims, int8_t *output);

/**
 * @brief Strided gather: output[i] = input[offset + sum_k i_k * strides[k]] (es_gather_params).
 * @param[in]  params  rank, offset, dims, strides; every read inside [0, input_size)
 * @param[in]  input   int8 values
 * @param[out] output  int8 values, product(dims) of them, in row-major order
 * @return ES_ERR_SHAPE if a read would fall outside the input
 */
es_status es_gather_s8(const es_gather_params *params, const int8_t *input, int8_t *output);

/**
 * @brief es_gather_s8 on fixed-point raw values (int32 storage): the values move unchanged.
 * @param[in]  params  as es_gather_s8
 * @param[in]  input   raw int32 values
 * @param[out] output  raw int32 values
 */
es_status es_gather_fx(const es_gather_params *params, const int32_t *input, int32_t *output);

/**
 * @brief Row gather: output row k (params->run values) is input[offsets[k] + j], j < run.
 * @param[in]  params  rows, run, input_size, offsets; every row inside [0, input_size)
 * @param[in]  input   int8 values
 * @param[out] output  int8 values, rows * run of them
 * @return ES_ERR_SHAPE if a row would fall outside the input
 */
es_status es_gather_table_s8(const es_gather_table_params *params, const int8_t *input,
                             int8_t *output);

/**
 * @brief es_gather_table_s8 on fixed-point raw values (int32 storage).
 * @param[in]  params  as es_gather_table_s8
 * @param[in]  input   raw int32 values
 * @param[out] output  raw int32 values
 */
es_status es_gather_table_fx(const es_gather_table_params *params, const int32_t *input,
                             int32_t *output);

/**
 * @brief MAXIMUM: the larger of a and b, with broadcasting of size-1 dimensions. Inputs and
 *        output share one scale and zero point, so raw values are compared.
 * @param[in]  input1_dims  shape of a; each dimension 1 or equal to the output's
 * @param[in]  input1       int8 a
 * @param[in]  input2_dims  shape of b; each dimension 1 or equal to the output's
 * @param[in]  input2       int8 b
 * @param[in]  output_dims  broadcast shape
 * @param[out] output       int8 max(a, b)
 */
es_status es_maximum_s8(const es_dims *input1_dims, const int8_t *input1,
                        const es_dims *input2_dims, const int8_t *input2,
                        const es_dims *output_dims, int8_t *output);

/**
 * @brief MINIMUM: the smaller of a and b; as es_maximum_s8.
 * @param[in]  input1_dims  shape of a
 * @param[in]  input1       int8 a
 * @param[in]  input2_dims  shape of b
 * @param[in]  input2       int8 b
 * @param[in]  output_dims  broadcast shape
 * @param[out] output       int8 min(a, b)
 */
es_status es_minimum_s8(const es_dims *input1_dims, const int8_t *input1,
                        const es_dims *input2_dims, const int8_t *input2,
                        const es_dims *output_dims, int8_t *output);

/**
 * @brief SUB: a - b with broadcasting, LiteRT's ADD arithmetic with the scaled inputs
 *        subtracted.
 * @param[in]  params       as es_add_s8 (left_shift 20)
 * @param[in]  input1_dims  shape of a; each dimension 1 or equal to the output's
 * @param[in]  input1       int8 a
 * @param[in]  input2_dims  shape of b; each dimension 1 or equal to the output's
 * @param[in]  input2       int8 b
 * @param[in]  output_dims  broadcast shape
 * @param[out] output       int8 a - b
 */
es_status es_sub_s8(const es_add_params *params, const es_dims *input1_dims, const int8_t *input1,
                    const es_dims *input2_dims, const int8_t *input2, const es_dims *output_dims,
                    int8_t *output);

/**
 * @brief SQUARED_DIFFERENCE: (a - b)^2 with broadcasting; the scaled difference is squared
 *        in int32 and requantized once.
 * @param[in]  params       as es_add_s8 with left_shift 7; output shift may be positive
 * @param[in]  input1_dims  shape of a
 * @param[in]  input1       int8 a
 * @param[in]  input2_dims  shape of b
 * @param[in]  input2       int8 b
 * @param[in]  output_dims  broadcast shape
 * @param[out] output       int8 (a - b)^2
 */
es_status es_squared_difference_s8(const es_add_params *params, const es_dims *input1_dims,
                                   const int8_t *input1, const es_dims *input2_dims,
                                   const int8_t *input2, const es_dims *output_dims,
                                   int8_t *output);

/**
 * @brief ABS: |x + input_offset| requantized to the output.
 * @param[in]  params  offsets, quant (input scale / output scale), clamp (the int8 range)
 * @param[in]  size    number of values >= 1
 * @param[in]  input   int8 values
 * @param[out] output  int8 values (may alias input)
 */
es_status es_abs_s8(const es_requantize_params *params, int32_t size, const int8_t *input,
                    int8_t *output);

/**
 * @brief LEAKY_RELU: x where x >= 0, alpha * x elsewhere, each branch its own multiplier.
 * @param[in]  params  offsets, identity and alpha multipliers
 * @param[in]  size    number of values >= 1
 * @param[in]  input   int8 values
 * @param[out] output  int8 values (may alias input)
 */
es_status es_leaky_relu_s8(const es_leaky_relu_params *params, int32_t size, const int8_t *input,
                           int8_t *output);

/**
 * @brief PRELU: x where x >= 0, alpha * x elsewhere; alpha broadcasts to x.
 * @param[in]  params       offsets and the two multipliers (es_prelu_params)
 * @param[in]  input_dims   shape of x
 * @param[in]  input        int8 x
 * @param[in]  alpha_dims   shape of alpha; each dimension 1 or equal to the output's
 * @param[in]  alpha        int8 alpha
 * @param[in]  output_dims  the shape of x
 * @param[out] output       int8 values
 */
es_status es_prelu_s8(const es_prelu_params *params, const es_dims *input_dims,
                      const int8_t *input, const es_dims *alpha_dims, const int8_t *alpha,
                      const es_dims *output_dims, int8_t *output);

/**
 * @brief REDUCE_MAX: the largest raw value over the axes in params (shared format).
 * @param[in]  params      axes (ES_AXIS_* bits)
 * @param[in]  input_dims  [N, H, W, C]
 * @param[in]  input       int8 values
 * @param[out] output      int8 values, the reduced axes of size 1 (row-major)
 */
es_status es_reduce_max_s8(const es_reduce_params *params, const es_dims *input_dims,
                           const int8_t *input, int8_t *output);

/**
 * @brief REDUCE_MIN: the smallest raw value; as es_reduce_max_s8.
 * @param[in]  params      axes (ES_AXIS_* bits)
 * @param[in]  input_dims  [N, H, W, C]
 * @param[in]  input       int8 values
 * @param[out] output      int8 values
 */
es_status es_reduce_min_s8(const es_reduce_params *params, const es_dims *input_dims,
                           const int8_t *input, int8_t *output);

/**
 * @brief es_softmax_s8 with int16 output (scale 1/65536, zero point -32768), as TFLite
 *        Micro's int8-in, int16-out softmax: the same algorithm, a 16-bit final shift.
 * @param[in]  params  as es_softmax_s8
 * @param[in]  rows    number of rows >= 1
 * @param[in]  depth   values per row >= 1
 * @param[in]  input   int8 [rows, depth]
 * @param[out] output  int16 [rows, depth]
 */
es_status es_softmax_s8_s16(const es_softmax_params *params, int32_t rows, int32_t depth,
                            const int8_t *input, int16_t *output);

/**
 * @brief 16x8 FULLY_CONNECTED: int16 input (zero point 0), int8 weights [O, K], int64
 *        bias; 64-bit accumulators requantized per output channel (TFLite Micro's).
 * @param[in]  quant   weights offset, per-channel multipliers and shifts, int16 clamp
 * @param[in]  dims    accum_depth K >= 1, output_depth O >= 1
 * @param[in]  input   K int16 values
 * @param[in]  filter  int8 [O, K]
 * @param[in]  bias    int64 [O], or NULL
 * @param[out] output  O int16 values
 */
es_status es_fully_connected_s16(const es_quant16_params *quant, const es_fc_dims *dims,
                                 const int16_t *input, const int8_t *filter,
                                 const int64_t *bias, int16_t *output);

/**
 * @brief 16x8 ADD with broadcasting: es_add_s8's arithmetic on int16 values (left_shift
 *        15, zero points 0), clamped to params->activation widened by `clamp`.
 * @param[in]  params  as es_add_params; its activation is ignored
 * @param[in]  clamp   int16 bounds of the output
 */
es_status es_add_s16(const es_add_params *params, const es_activation16 *clamp,
                     const es_dims *input1_dims, const int16_t *input1,
                     const es_dims *input2_dims, const int16_t *input2,
                     const es_dims *output_dims, int16_t *output);

/**
 * @brief 16x8 MUL with broadcasting: es_mul_s8's arithmetic on int16 values.
 * @param[in]  params  as es_mul_params; its activation is ignored
 * @param[in]  clamp   int16 bounds of the output
 */
es_status es_mul_s16(const es_mul_params *params, const es_activation16 *clamp,
                     const es_dims *input1_dims, const int16_t *input1,
                     const es_dims *input2_dims, const int16_t *input2,
                     const es_dims *output_dims, int16_t *output);
/**
 * @brief 16x8 CONV_2D (NHWC int16 input with zero point 0, OHWI int8 weights, int64 bias):
 *        64-bit accumulators over the taps inside the image, es_quant16_params output.
 * @param[in]  params  stride, dilation, padding (offsets and activation unused)
 * @param[in]  quant   per-channel output stage and int16 clamp
 */
es_status es_conv2d_s16(const es_conv_params *params, const es_quant16_params *quant,
                        const es_dims *input_dims, const int16_t *input,
                        const es_dims *filter_dims, const int8_t *filter, const int64_t *bias,
                        const es_dims *output_dims, int16_t *output);

/**
 * @brief 16x8 DEPTHWISE_CONV_2D: as es_conv2d_s16 with a [1, KH, KW, C * M] filter.
 * @param[in]  params  depth multiplier, stride, dilation, padding (offsets unused)
 */
es_status es_depthwise_conv2d_s16(const es_dw_conv_params *params,
                                  const es_quant16_params *quant, const es_dims *input_dims,
                                  const int16_t *input, const es_dims *filter_dims,
                                  const int8_t *filter, const int64_t *bias,
                                  const es_dims *output_dims, int16_t *output);

/* ---- Model edges: float32, uint8 and int16 ports converted to and from int8 ------------- */

/**
 * @brief QUANTIZE float32 -> integer as TFLite's reference: round(x / scale) half away from
 *        zero, in float32; a quotient outside int32 (or NaN) counts as INT32_MIN; plus the
 *        zero point (wrapping), clamped.
 * @param[in]  params  output scale and zero point, clamp inside the output type
 * @param[in]  size    number of values >= 1
 * @param[in]  input   float32 values
 * @param[out] output  integer values
 */
es_status es_quantize_f32_s8(const es_quantize_float_params *params, int32_t size,
                             const float *input, int8_t *output);
es_status es_quantize_f32_u8(const es_quantize_float_params *params, int32_t size,
                             const float *input, uint8_t *output);
es_status es_quantize_f32_s16(const es_quantize_float_params *params, int32_t size,
                              const float *input, int16_t *output);

/**
 * @brief DEQUANTIZE integer -> float32: scale * (q - zero_point), one float32 multiply
 *        (the same bits as TFLite's double product rounded to float32).
 * @param[in]  params  input scale and zero point
 * @param[in]  size    number of values >= 1
 * @param[in]  input   integer values
 * @param[out] output  float32 values
 */
es_status es_dequantize_s8_f32(const es_dequantize_params *params, int32_t size,
                               const int8_t *input, float *output);
es_status es_dequantize_u8_f32(const es_dequantize_params *params, int32_t size,
                               const uint8_t *input, float *output);
es_status es_dequantize_s16_f32(const es_dequantize_params *params, int32_t size,
                                const int16_t *input, float *output);

/**
 * @brief QUANTIZE between integer types: (x + input_offset) * M + output_offset, clamped to
 *        the activation range, which must lie inside the output type (as es_requantize_s8).
 * @param[in]  params  offsets, Q31 quant (input scale / output scale), clamp
 * @param[in]  size    number of values >= 1
 * @param[in]  input   integer values
 * @param[out] output  integer values (may alias an input of the same width)
 */
es_status es_quantize_u8_s8(const es_requantize_params *params, int32_t size,
                            const uint8_t *input, int8_t *output);
es_status es_quantize_s8_u8(const es_requantize_params *params, int32_t size,
                            const int8_t *input, uint8_t *output);
es_status es_quantize_u8_u8(const es_requantize_params *params, int32_t size,
                            const uint8_t *input, uint8_t *output);
es_status es_quantize_s16_s8(const es_requantize_params *params, int32_t size,
                             const int16_t *input, int8_t *output);
es_status es_quantize_s8_s16(const es_requantize_params *params, int32_t size,
                             const int8_t *input, int16_t *output);
es_status es_quantize_s16_s16(const es_requantize_params *params, int32_t size,
                              const int16_t *input, int16_t *output);
es_status es_quantize_s16_s32(const es_requantize_params *params, int32_t size,
                              const int16_t *input, int32_t *output);

/**
 * @brief UNIDIRECTIONAL_SEQUENCE_LSTM, int8 (TFLite Micro's integer LSTM, bit for bit).
 *
 * Per step and sequence: each gate is the sum of its input and recurrent dense layers
 * (each requantized to Q3.12 int16, summed with int16 saturation), then the table sigmoid
 * (tanh for the cell gate); cell = sat16(forget * cell) + sat16(input * cell gate),
 * saturated and clipped; hidden = int8(tanh(cell) * output gate). The hidden and cell
 * states are read and updated in place (they persist across calls); the new hidden
 * state of a step is built in the output row and then copied, so no scratch is needed.
 * @param[in]     params        shapes and requantization (es_lstm_params)
 * @param[in]     input         int8 sequences ([sequences, steps, features] or time-major)
 * @param[in]     input_to_input, input_to_forget, input_to_cell, input_to_output
 *                              int8 [units, features] each
 * @param[in]     recurrent_to_input, recurrent_to_forget, recurrent_to_cell,
 *                recurrent_to_output   int8 [units, units] each
 * @param[in]     input_bias, forget_bias, cell_bias, output_bias   int32 [units] each
 * @param[in,out] hidden_state  int8 [sequences, units]
 * @param[in,out] cell_state    int16 [sequences, units]
 * @param[out]    output        int8 hidden state of every step, laid out like the input
 */
es_status es_lstm_s8(const es_lstm_params *params, const int8_t *input,
                     const int8_t *input_to_input, const int8_t *input_to_forget,
                     const int8_t *input_to_cell, const int8_t *input_to_output,
                     const int8_t *recurrent_to_input, const int8_t *recurrent_to_forget,
                     const int8_t *recurrent_to_cell, const int8_t *recurrent_to_output,
                     const int32_t *input_bias, const int32_t *forget_bias,
                     const int32_t *cell_bias, const int32_t *output_bias,
                     int8_t *hidden_state, int16_t *cell_state, int8_t *output);

/**
 * @brief SVDF, int8 input and output, int16 state and time weights (TFLite Micro's
 *        integer SVDF): shift every filter's memory left by one, write the requantized
 *        feature projection last, then per unit sum its rank filters' memory x time
 *        weights plus the bias and requantize to int8.
 * @param[in]     params           dimensions, offsets and the two requantizations
 * @param[in]     input            input_size int8 values
 * @param[in]     weights_feature  int8 [filters, input_size]
 * @param[in]     weights_time     int16 [filters, memory]
 * @param[in]     bias             int32 [filters / rank], or NULL
 * @param[in,out] state            int16 [filters, memory], kept between invocations
 * @param[out]    output           filters / rank int8 values
 */
es_status es_svdf_s8(const es_svdf_params *params, const int8_t *input,
                     const int8_t *weights_feature, const int16_t *weights_time,
                     const int32_t *bias, int16_t *state, int8_t *output);

/**
 * @brief es_svdf_s8 with int8 state and time weights (the state has a zero point).
 */
es_status es_svdf_s8_state8(const es_svdf_params *params, const int8_t *input,
                            const int8_t *weights_feature, const int8_t *weights_time,
                            const int32_t *bias, int8_t *state, int8_t *output);

/* -- int8 unary ops tabulated offline (edgesmith.arith.unary_tables) ------------------ */

/**
 * @brief HARD_SWISH through a 256-entry table: output[i] = table[input[i] + 128].
 * @param[in]  table   the output code for each input code -128..127
 * @param[in]  size    number of values >= 1
 * @param[in]  input   int8 values
 * @param[out] output  int8 values (may alias input)
 */
es_status es_hard_swish_s8(const int8_t *table, int32_t size, const int8_t *input,
                           int8_t *output);

/**
 * @brief ELU through a 256-entry table: output[i] = table[input[i] + 128].
 * @param[in]  table   the output code for each input code -128..127
 * @param[in]  size    number of values >= 1
 * @param[in]  input   int8 values
 * @param[out] output  int8 values (may alias input)
 */
es_status es_elu_s8(const int8_t *table, int32_t size, const int8_t *input, int8_t *output);

/**
 * @brief RSQRT through a 256-entry table: output[i] = table[input[i] + 128].
 * @param[in]  table   the output code for each input code -128..127
 * @param[in]  size    number of values >= 1
 * @param[in]  input   int8 values
 * @param[out] output  int8 values (may alias input)
 */
es_status es_rsqrt_s8(const int8_t *table, int32_t size, const int8_t *input, int8_t *output);

/**
 * @brief NEG through a 256-entry table: output[i] = table[input[i] + 128] (the table is the
 *        float DEQUANTIZE -> NEG -> QUANTIZE chain of a converter model, computed offline).
 * @param[in]  table   the output code for each input code -128..127
 * @param[in]  size    number of values >= 1
 * @param[in]  input   int8 values
 * @param[out] output  int8 values (may alias input)
 */
es_status es_neg_s8(const int8_t *table, int32_t size, const int8_t *input, int8_t *output);

/**
 * @brief LOG_SOFTMAX over each row of `depth` values, as TFLite's int8 reference kernel;
 *        output scale 16/256, zero point 127.
 * @param[in]  params  input_multiplier >= 0, shifts in [0, 31], diff_min <= 0
 * @param[in]  rows    number of rows >= 1
 * @param[in]  depth   values per row >= 1
 * @param[in]  input   int8 [rows, depth]
 * @param[out] output  int8 [rows, depth]
 */
es_status es_log_softmax_s8(const es_log_softmax_params *params, int32_t rows, int32_t depth,
                            const int8_t *input, int8_t *output);

/**
 * @brief L2_NORMALIZATION over the last axis: each value times 1 / sqrt of its row's sum
 *        of squares (TFLite's fixed-point inverse square root), output scale 1/128.
 * @param[in]  params  input_offset
 * @param[in]  rows    number of rows >= 1
 * @param[in]  depth   values per row >= 1 (at most 33025, so the sum fits int32)
 * @param[in]  input   int8 values, rows * depth
 * @param[out] output  int8 values, rows * depth (not over the input)
 */
es_status es_l2_normalization_s8(const es_l2_norm_params *params, int32_t rows, int32_t depth,
                                 const int8_t *input, int8_t *output);

/**
 * @brief ARG_MAX: the index of the largest raw value along one axis, the first on ties.
 * @param[in]  params      axes: exactly one ES_AXIS_* bit, the axis searched
 * @param[in]  input_dims  [N, H, W, C]
 * @param[in]  input       int8 values
 * @param[out] output      int32 indices, the searched axis removed (row-major)
 */
es_status es_arg_max_s8(const es_reduce_params *params, const es_dims *input_dims,
                        const int8_t *input, int32_t *output);

/**
 * @brief ARG_MIN: the index of the smallest raw value along one axis; as es_arg_max_s8.
 * @param[in]  params      axes: exactly one ES_AXIS_* bit
 * @param[in]  input_dims  [N, H, W, C]
 * @param[in]  input       int8 values
 * @param[out] output      int32 indices
 */
es_status es_arg_min_s8(const es_reduce_params *params, const es_dims *input_dims,
                        const int8_t *input, int32_t *output);

/**
 * @brief es_arg_max_s8 writing int64 indices (a model that declares ARG_MAX's output int64).
 * @param[in]  params      axes: exactly one ES_AXIS_* bit
 * @param[in]  input_dims  [N, H, W, C]
 * @param[in]  input       int8 values
 * @param[out] output      int64 indices
 */
es_status es_arg_max_s8_s64(const es_reduce_params *params, const es_dims *input_dims,
                            const int8_t *input, int64_t *output);

/**
 * @brief es_arg_min_s8 writing int64 indices.
 * @param[in]  params      axes: exactly one ES_AXIS_* bit
 * @param[in]  input_dims  [N, H, W, C]
 * @param[in]  input       int8 values
 * @param[out] output      int64 indices
 */
es_status es_arg_min_s8_s64(const es_reduce_params *params, const es_dims *input_dims,
                            const int8_t *input, int64_t *output);

/**
 * @brief RESIZE_BILINEAR of the height and width, TFLite's integer kernel: four raw values
 *        weighted in 2^-10 steps, one rounding (half away from zero) of the 2^20 sum.
 * @param[in]  params       height_scale, width_scale (align_corners folded in),
 *                          half_pixel_centers
 * @param[in]  input_dims   [N, H, W, C]
 * @param[in]  input        int8 values
 * @param[in]  output_dims  [N, H', W', C]
 * @param[out] output       int8 values, the input's format (not over the input)
 */
es_status es_resize_bilinear_s8(const es_resize_bilinear_params *params,
                                const es_dims *input_dims, const int8_t *input,
                                const es_dims *output_dims, int8_t *output);

/**
 * @brief FULLY_CONNECTED with keep_num_dims: es_fully_connected_s8 on each of `rows` rows of
 *        the last axis (a Keras Dense on a 3-D or 4-D input).
 * @param[in]  ctx     as es_fully_connected_s8
 * @param[in]  params  as es_fully_connected_s8
 * @param[in]  quant   as es_fully_connected_s8
 * @param[in]  dims    accum_depth K (the last input axis), output_depth O
 * @param[in]  rows    number of rows >= 1 (the product of the other axes)
 * @param[in]  input   rows * K int8 values
 * @param[in]  filter  int8 weights [O, K]
 * @param[in]  bias    int32 bias of O values, or NULL
 * @param[out] output  rows * O int8 values
 */
es_status es_fully_connected_rows_s8(const es_context *ctx, const es_fc_params *params,
                                     const es_fc_quant_params *quant, const es_fc_dims *dims,
                                     int32_t rows, const int8_t *input, const int8_t *filter,
                                     const int32_t *bias, int8_t *output);

/**
 * @brief BATCH_MATMUL: a @ b over the last two dimensions (h and w of es_dims the rows and
 *        columns), n and h batches broadcast where one operand has 1.
 * @param[in]  params       offsets, quant, adj_x, adj_y
 * @param[in]  input1_dims  a: [n, h, M, K] ([n, h, K, M] with adj_x)
 * @param[in]  input1       int8 a
 * @param[in]  input2_dims  b: [n, h, K, N] ([n, h, N, K] with adj_y)
 * @param[in]  input2       int8 b
 * @param[in]  output_dims  [n, h, M, N]
 * @param[out] output       int8 a @ b (not over an input)
 */
es_status es_batch_matmul_s8(const es_batch_matmul_params *params, const es_dims *input1_dims,
                             const int8_t *input1, const es_dims *input2_dims,
                             const int8_t *input2, const es_dims *output_dims, int8_t *output);

/**
 * @brief TRANSPOSE_CONV (2-D, per-channel): each output sums (x + input_offset) * w over
 *        the input pixels and taps that reach it, then bias and requantization as conv2d.
 * @param[in]  params       offsets, stride, padding (top, left of the convolution from the
 *                          output back to the input), activation; dilation must be 1
 * @param[in]  quant        per output channel multiplier and shift
 * @param[in]  input_dims   [N, H, W, I]
 * @param[in]  input        int8 values
 * @param[in]  filter_dims  [O, KH, KW, I]
 * @param[in]  filter       int8 weights
 * @param[in]  bias         int32 bias of O values, or NULL
 * @param[in]  output_dims  [N, H', W', O]
 * @param[out] output       int8 values (not over the input)
 */
es_status es_transpose_conv_s8(const es_conv_params *params,
                               const es_per_channel_quant_params *quant,
                               const es_dims *input_dims, const int8_t *input,
                               const es_dims *filter_dims, const int8_t *filter,
                               const int32_t *bias, const es_dims *output_dims, int8_t *output);

/* ---- int16 table-based activations (TFLite Micro's int16 kernels) ---------------------- */

/**
 * @brief int16 LOGISTIC (input zero point 0, output Q0.15): the input stage of
 *        es_sigmoid16_params, then the interpolated sigmoid table.
 * @param[in]  params  input multiplier and shift, the 256-entry sigmoid table
 * @param[in]  size    number of values >= 1
 * @param[in]  input   int16 values
 * @param[out] output  int16 values (may alias input)
 */
es_status es_logistic_s16(const es_sigmoid16_params *params, int32_t size,
                          const int16_t *input, int16_t *output);

/**
 * @brief int16 TANH (input zero point 0, output Q0.15): as es_logistic_s16, the table read
 *        at twice the argument.
 * @param[in]  params  input multiplier and shift, the 256-entry sigmoid table
 * @param[in]  size    number of values >= 1
 * @param[in]  input   int16 values
 * @param[out] output  int16 values (may alias input)
 */
es_status es_tanh_s16(const es_sigmoid16_params *params, int32_t size, const int16_t *input,
                      int16_t *output);

/**
 * @brief int16 -> int16 SOFTMAX over each row (zero points 0, output Q0.15), TFLite
 *        Micro's table-based algorithm; the exponentials wait in the output row.
 * @param[in]  params  input rescaling and the exp and 1 / (1 + x) tables (513 entries each)
 * @param[in]  rows    number of rows >= 1
 * @param[in]  depth   values per row >= 1
 * @param[in]  input   int16 [rows, depth]
 * @param[out] output  int16 [rows, depth] (not over the input)
 */
es_status es_softmax_s16(const es_softmax16_params *params, int32_t rows, int32_t depth,
                         const int16_t *input, int16_t *output);

/* ---- Fast kernels on weights laid out offline: int16 pairs, input offset in the bias ---- */

/**
 * @brief es_conv2d_s8 on int16 weights laid out offline (fast kernel set only).
 *
 * The same integers as es_conv2d_s8 on the int8 weights the layout came from.
 * Layout (es_nn_fast_w16.h, edgesmith.codegen.c_layouts): each filter row of
 * K = KH * KW * C_in weights as ceil(K / 2) words of int16 pairs (value 2p low,
 * 2p + 1 high, 0 after an odd K), rows in blocks of 4 interleaved pair by pair,
 * the last C_out % 4 rows row by row.
 * @param[in]  ctx          scratch (unused; may be NULL)
 * @param[in]  params       as es_conv2d_s8
 * @param[in]  quant        one multiplier and shift per output channel
 * @param[in]  input_dims   [1, H, W, C_in]
 * @param[in]  input        int8 NHWC input
 * @param[in]  filter_dims  [C_out, KH, KW, C_in] of the original weights
 * @param[in]  filter       the laid-out weights, C_out * ceil(K / 2) words
 * @param[in]  bias         C_out values of bias + input_offset * sum(row) (not NULL)
 * @param[in]  output_dims  [1, OH, OW, C_out]
 * @param[out] output       int8 NHWC output
 */
es_status es_conv2d_s8_w16(const es_context *ctx, const es_conv_params *params,
                           const es_per_channel_quant_params *quant, const es_dims *input_dims,
                           const int8_t *input, const es_dims *filter_dims, const int32_t *filter,
                           const int32_t *bias, const es_dims *output_dims, int8_t *output);

/**
 * @brief es_fully_connected_s8 on int16 weights laid out offline (fast kernel set only).
 *
 * The same integers as es_fully_connected_s8 on the int8 weights the layout came
 * from. filter holds each row's filter + filter_offset in the layout of
 * es_conv2d_s8_w16 (K = accum_depth); params->filter_offset is not read again.
 * @param[in]  ctx     scratch (unused; may be NULL)
 * @param[in]  params  as es_fully_connected_s8
 * @param[in]  quant   as es_fully_connected_s8
 * @param[in]  dims    accum_depth K >= 1, output_depth O >= 1
 * @param[in]  input   K int8 values
 * @param[in]  filter  the laid-out weights, O * ceil(K / 2) words
 * @param[in]  bias    O values of bias + input_offset * sum(stored row) (not NULL)
 * @param[out] output  O int8 values
 */
es_status es_fully_connected_s8_w16(const es_context *ctx, const es_fc_params *params,
                                    const es_fc_quant_params *quant, const es_fc_dims *dims,
                                    const int8_t *input, const int32_t *filter,
                                    const int32_t *bias, int8_t *output);

/**
 * @brief es_depthwise_conv2d_s8 on a 3x3 window laid out offline per channel (fast kernel set
 *        only): the same integers as es_depthwise_conv2d_s8 on the weights, bias and
 *        requantization the table came from.
 *
 * filter: a table (es_nn_fast_dw3x3.h es_dw3x3_channel, edgesmith.codegen.c_layouts_dw),
 * per output channel ten words: the doubled weights as int16 tap pairs (per tap line (w0, w1) then
 * (w1, w2), lines in the plane's order: rows, or columns where OH > OW), 2 * (bias +
 * input_offset * sum(w)), the multiplier, 2^(right-1) + output_offset * 2^right and the
 * right shift (1..23) of the short output stage, which the generator chose from the
 * channel's real accumulator bound. Shapes: 3x3 window, dilation 1, lines short enough for three
 * of them to fit the kernel's buffer (ES_ERR_SHAPE otherwise); |input_offset| <= 32640
 * (ES_ERR_RANGE otherwise).
 * @param[in]  ctx          scratch (unused; may be NULL)
 * @param[in]  params       as es_depthwise_conv2d_s8 (the activation is the clamp)
 * @param[in]  input_dims   [1, H, W, C]
 * @param[in]  input        int8 NHWC input
 * @param[in]  filter_dims  [1, 3, 3, C * depth_multiplier] of the original weights
 * @param[in]  filter       the table: 10 words per output channel
 * @param[in]  output_dims  [1, OH, OW, C * depth_multiplier]
 * @param[out] output       int8 NHWC output
 */
es_status es_depthwise_conv2d_s8_w16(const es_context *ctx, const es_dw_conv_params *params,
                                     const es_dims *input_dims, const int8_t *input,
                                     const es_dims *filter_dims, const int32_t *filter,
                                     const es_dims *output_dims, int8_t *output);

/**
 * @brief es_depthwise_conv2d_s8_w16 writing its output over its input (depth_multiplier 1),
 *        as es_depthwise_conv2d_s8_inplace does.
 * @param[in]     ctx          scratch (unused; may be NULL)
 * @param[in]     params       as es_depthwise_conv2d_s8_w16, depth_multiplier 1
 * @param[in]     input_dims   [1, H, W, C]
 * @param[in,out] input        the NHWC input on entry, the NHWC output on return
 * @param[in]     filter_dims  [1, 3, 3, C]
 * @param[in]     filter       the table, as es_depthwise_conv2d_s8_w16
 * @param[in]     output_dims  [1, OH, OW, C]
 * @param[out]    scratch      OH * OW bytes, not overlapping `input`
 */
es_status es_depthwise_conv2d_s8_w16_inplace(const es_context *ctx,
                                             const es_dw_conv_params *params,
                                             const es_dims *input_dims, int8_t *input,
                                             const es_dims *filter_dims, const int32_t *filter,
                                             const es_dims *output_dims, int8_t *scratch);

/* ---- Fixed point: sub, maximum, minimum, squared_difference, prelu, leaky_relu, abs,
 *      elu, hard_swish (es_*_fx) --------------------------------------------------------- */

/**
 * @brief Fixed-point a - b with broadcasting of size-1 dimensions: both inputs aligned
 *        to the finer binary point, subtracted exactly, cast once (as es_add_fx).
 * @param[in]  params       input shifts in [0, 30], output stage (the generator bounds the
 *                          exact result below 2^62)
 * @param[in]  input1_dims  shape of a; each dimension 1 or equal to the output's
 * @param[in]  input1       raw a
 * @param[in]  input2_dims  shape of b
 * @param[in]  input2       raw b
 * @param[in]  output_dims  broadcast shape
 * @param[out] output       raw result (may alias an input of the output's shape)
 */
es_status es_sub_fx(const es_add_fx_params *params, const es_dims *input1_dims,
                    const int32_t *input1, const es_dims *input2_dims, const int32_t *input2,
                    const es_dims *output_dims, int32_t *output);

/**
 * @brief Fixed-point maximum of a and b with broadcasting of size-1 dimensions: both inputs aligned
 *        to the finer binary point, the larger taken, cast once (as es_add_fx).
 * @param[in]  params       input shifts in [0, 30], output stage (the generator bounds the
 *                          exact result below 2^62)
 * @param[in]  input1_dims  shape of a; each dimension 1 or equal to the output's
 * @param[in]  input1       raw a
 * @param[in]  input2_dims  shape of b
 * @param[in]  input2       raw b
 * @param[in]  output_dims  broadcast shape
 * @param[out] output       raw result (may alias an input of the output's shape)
 */
es_status es_maximum_fx(const es_add_fx_params *params, const es_dims *input1_dims,
                        const int32_t *input1, const es_dims *input2_dims, const int32_t *input2,
                        const es_dims *output_dims, int32_t *output);

/**
 * @brief Fixed-point minimum of a and b with broadcasting of size-1 dimensions: both inputs aligned
 *        to the finer binary point, the smaller taken, cast once (as es_add_fx).
 * @param[in]  params       input shifts in [0, 30], output stage (the generator bounds the
 *                          exact result below 2^62)
 * @param[in]  input1_dims  shape of a; each dimension 1 or equal to the output's
 * @param[in]  input1       raw a
 * @param[in]  input2_dims  shape of b
 * @param[in]  input2       raw b
 * @param[in]  output_dims  broadcast shape
 * @param[out] output       raw result (may alias an input of the output's shape)
 */
es_status es_minimum_fx(const es_add_fx_params *params, const es_dims *input1_dims,
                        const int32_t *input1, const es_dims *input2_dims, const int32_t *input2,
                        const es_dims *output_dims, int32_t *output);

/**
 * @brief Fixed-point (a - b)^2 with broadcasting of size-1 dimensions: both inputs aligned
 *        to the finer binary point, the exact square (twice that point), cast once.
 * @param[in]  params       input shifts in [0, 30], output stage (the generator bounds the
 *                          square below 2^62)
 * @param[in]  input1_dims  shape of a; each dimension 1 or equal to the output's
 * @param[in]  input1       raw a
 * @param[in]  input2_dims  shape of b
 * @param[in]  input2       raw b
 * @param[in]  output_dims  broadcast shape
 * @param[out] output       raw result (may alias an input of the output's shape)
 */
es_status es_squared_difference_fx(const es_add_fx_params *params, const es_dims *input1_dims,
                                   const int32_t *input1, const es_dims *input2_dims,
                                   const int32_t *input2, const es_dims *output_dims,
                                   int32_t *output);

/**
 * @brief Fixed-point PRELU with broadcasting of size-1 dimensions: x where x >= 0, else the
 *        exact x * alpha, cast once (es_prelu_fx_params).
 * @param[in]  params       shifts to one binary point, output stage
 * @param[in]  input1_dims  shape of x; each dimension 1 or equal to the output's
 * @param[in]  input1       raw x
 * @param[in]  input2_dims  shape of alpha
 * @param[in]  input2       raw alpha
 * @param[in]  output_dims  broadcast shape
 * @param[out] output       raw result (may alias x when it has the output's shape)
 */
es_status es_prelu_fx(const es_prelu_fx_params *params, const es_dims *input1_dims,
                      const int32_t *input1, const es_dims *input2_dims, const int32_t *input2,
                      const es_dims *output_dims, int32_t *output);

/**
 * @brief Fixed-point LEAKY_RELU: es_prelu_fx with one alpha (es_leaky_relu_fx_params).
 * @param[in]  params  alpha, shifts, output stage
 * @param[in]  size    number of values >= 1
 * @param[in]  input   raw values
 * @param[out] output  raw values (may alias input)
 */
es_status es_leaky_relu_fx(const es_leaky_relu_fx_params *params, int32_t size,
                           const int32_t *input, int32_t *output);

/**
 * @brief Fixed-point ABS: the exact |x| aligned and cast as es_relu_fx casts.
 * @param[in]  params  input_shift in [0, 30], output stage
 * @param[in]  size    number of values >= 1
 * @param[in]  input   raw values
 * @param[out] output  raw values (may alias input)
 */
es_status es_abs_fx(const es_relu_fx_params *params, int32_t size, const int32_t *input,
                    int32_t *output);

/**
 * @brief Fixed-point ELU: the input cast where it is at least 0, a table below
 *        (es_table_identity_fx_params).
 * @param[in]  params  table of size >= 1 entries, shift in [0, 62], identity cast
 * @param[in]  size    number of values >= 1
 * @param[in]  input   raw values
 * @param[out] output  raw values (may alias input)
 */
es_status es_elu_fx(const es_table_identity_fx_params *params, int32_t size,
                    const int32_t *input, int32_t *output);

/**
 * @brief Fixed-point HARD_SWISH: the input cast where it is at least 3, a table below
 *        (es_table_identity_fx_params).
 * @param[in]  params  table of size >= 1 entries, shift in [0, 62], identity cast
 * @param[in]  size    number of values >= 1
 * @param[in]  input   raw values
 * @param[out] output  raw values (may alias input)
 */
es_status es_hard_swish_fx(const es_table_identity_fx_params *params, int32_t size,
                           const int32_t *input, int32_t *output);

/**
 * @brief Fixed-point constant padding (PAD): es_pad_s8 on raw int32 values; the pad value is
 *        raw 0 (real 0 in every fixed-point format).
 * @param[in]  params       values inserted before the data along n, h, w, c; pad_value
 * @param[in]  input_dims   shape of the input
 * @param[in]  input        raw values
 * @param[in]  output_dims  shape of the output (input + before + after)
 * @param[out] output       raw values (not over the input)
 */
es_status es_pad_fx(const es_pad_params *params, const es_dims *input_dims,
                    const int32_t *input, const es_dims *output_dims, int32_t *output);

/**
 * @brief Fixed-point REDUCE_MAX: the largest raw value, cast (es_reduce_fx_params).
 * @param[in]  params      axes (ES_AXIS_* bits), output stage
 * @param[in]  input_dims  [N, H, W, C]
 * @param[in]  input       raw values
 * @param[out] output      raw values, the reduced axes of size 1 (row-major)
 */
es_status es_reduce_max_fx(const es_reduce_fx_params *params, const es_dims *input_dims,
                           const int32_t *input, int32_t *output);

/**
 * @brief Fixed-point REDUCE_MIN: the smallest raw value, cast (es_reduce_fx_params).
 * @param[in]  params      axes (ES_AXIS_* bits), output stage
 * @param[in]  input_dims  [N, H, W, C]
 * @param[in]  input       raw values
 * @param[out] output      raw values, the reduced axes of size 1 (row-major)
 */
es_status es_reduce_min_fx(const es_reduce_fx_params *params, const es_dims *input_dims,
                           const int32_t *input, int32_t *output);

/**
 * @brief Fixed-point SUM: the exact sum, cast once (es_reduce_fx_params).
 * @param[in]  params      axes (ES_AXIS_* bits), output stage
 * @param[in]  input_dims  [N, H, W, C]
 * @param[in]  input       raw values
 * @param[out] output      raw values, the reduced axes of size 1 (row-major)
 */
es_status es_sum_fx(const es_reduce_fx_params *params, const es_dims *input_dims,
                    const int32_t *input, int32_t *output);

/**
 * @brief Fixed-point MEAN: the exact mean, quantized once (es_reduce_fx_params).
 * @param[in]  params      axes (ES_AXIS_* bits), output stage
 * @param[in]  input_dims  [N, H, W, C]
 * @param[in]  input       raw values
 * @param[out] output      raw values, the reduced axes of size 1 (row-major)
 */
es_status es_mean_fx(const es_reduce_fx_params *params, const es_dims *input_dims,
                     const int32_t *input, int32_t *output);

#ifdef __cplusplus
}
#endif

#endif /* ES_NN_H */
