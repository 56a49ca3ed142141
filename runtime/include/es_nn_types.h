/*
 * edgesmith C runtime: status codes and parameter structs of the int8 kernels.
 *
 * Conventions shared by every struct below (the API documentation is in
 * es_nn.h):
 *  - Tensors are NHWC, one sample per call (dimension n is 1 for
 *    activations of window ops).
 *  - An "input offset" is added to every input value: it is the negated
 *    input zero point. An "output offset" is the output zero point.
 *  - A Q31 multiplier and shift stand for the real number
 *    multiplier * 2^(shift - 31); shift > 0 shifts left before the multiply.
 */
#ifndef ES_NN_TYPES_H
#define ES_NN_TYPES_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Result of every kernel. */
typedef enum {
    ES_OK = 0,
    ES_ERR_ARG = 1,   /* a NULL pointer or a size below 1 */
    ES_ERR_SHAPE = 2, /* dimensions that do not fit together */
    ES_ERR_RANGE = 3, /* a parameter outside its documented range */
    ES_ERR_BUFFER = 4 /* scratch buffer missing or smaller than required */
} es_status;

/* A 4-D shape, NHWC. Filters use n for output channels (conv2d) or 1 (depthwise). */
typedef struct {
    int32_t n;
    int32_t h;
    int32_t w;
    int32_t c;
} es_dims;

/* A height/width pair: stride, dilation, top/left padding or window size. */
typedef struct {
    int32_t h;
    int32_t w;
} es_tile;

/* Fused activation as an output clamp, -128 <= min <= max <= 127. */
typedef struct {
    int32_t min;
    int32_t max;
} es_activation;

/* Caller-owned scratch memory for kernels whose _get_buffer_size is not 0. */
typedef struct {
    void *buf;
    int32_t size;
} es_context;

/* One Q31 multiplier and shift for a whole tensor. */
typedef struct {
    int32_t multiplier;
    int32_t shift;
} es_quant_params;

/* One Q31 multiplier and shift per output channel. */
typedef struct {
    const int32_t *multiplier;
    const int8_t *shift;   /* in [-31, 31]: one byte each keeps flash small */
} es_per_channel_quant_params;

/*
 * A positive real scale held exactly as an IEEE-754 double:
 * value = mantissa * 2^exponent with 2^52 <= mantissa < 2^53 (0 for a zero
 * scale). Lets integer code reproduce a double-precision multiply bit for bit.
 */
typedef struct {
    int64_t mantissa;
    int32_t exponent;
} es_exact_scale;

typedef struct {
    int32_t input_offset;  /* -input zero point */
    int32_t output_offset; /* output zero point */
    es_tile stride;
    es_tile dilation;
    es_tile padding; /* top, left */
    es_activation activation;
    /* es_conv2d_s8_w16 only: 0, or S where the rows are stored times S and the bias holds
     * three words a channel for the one-multiply output stage (edgesmith.codegen.c_one_multiply) */
    int32_t one_multiply_scale;
} es_conv_params;

typedef struct {
    int32_t input_offset;
    int32_t output_offset;
    int32_t depth_multiplier;
    es_tile stride;
    es_tile dilation;
    es_tile padding;
    es_activation activation;
} es_dw_conv_params;

/* How fully_connected turns its int32 accumulator into the output scale. */
typedef enum {
    /* multiplier/shift, two roundings (TFLite Micro, CMSIS-NN) */
    ES_OUTPUT_STAGE_Q31 = 0,
    /* round(acc * double scale), the LiteRT BUILTIN_REF kernel */
    ES_OUTPUT_STAGE_EXACT_SCALE = 1
} es_output_stage;

typedef struct {
    int32_t input_offset;
    int32_t filter_offset; /* -weight zero point, 0 for symmetric weights */
    int32_t output_offset;
    es_activation activation;
} es_fc_params;

typedef struct {
    es_output_stage stage;
    int32_t per_channel;         /* 0: entry 0 serves every channel; 1: one entry per channel */
    const int32_t *multiplier;   /* stage Q31 */
    const int32_t *shift;        /* stage Q31 */
    const es_exact_scale *scale; /* stage EXACT_SCALE */
} es_fc_quant_params;

/* Accumulation length (input features) and output features of a dense layer. */
typedef struct {
    int32_t accum_depth;
    int32_t output_depth;
} es_fc_dims;

typedef struct {
    es_tile window;
    es_tile stride;
    es_tile padding;
    es_activation activation;
} es_pool_params;

/* ADD rescales both inputs to a common scale with left_shift bits of headroom. */
typedef struct {
    int32_t left_shift;
    int32_t input1_offset;
    int32_t input1_multiplier;
    int32_t input1_shift;
    int32_t input2_offset;
    int32_t input2_multiplier;
    int32_t input2_shift;
    int32_t output_offset;
    int32_t output_multiplier;
    int32_t output_shift;
    es_activation activation;
} es_add_params;

typedef struct {
    int32_t input1_offset;
    int32_t input2_offset;
    int32_t output_offset;
    int32_t output_multiplier;
    int32_t output_shift;
    es_activation activation;
} es_mul_params;

/* Fixed-point softmax: beta * input_scale as a Q31 multiplier and left shift. */
typedef struct {
    int32_t input_multiplier;
    int32_t input_left_shift;
    int32_t diff_min; /* input differences below this contribute nothing */
} es_softmax_params;

/* Fixed-point log-softmax: softmax's input scaling and its inverse (reverse_scaling_*), which
 * brings the log of the sum of exponentials back to input steps. */
typedef struct {
    int32_t input_multiplier;
    int32_t input_left_shift;
    int32_t reverse_scaling_divisor;
    int32_t reverse_scaling_right_shift;
    int32_t diff_min; /* input differences below this contribute nothing */
} es_log_softmax_params;

/* (x + input_offset) * M + output_offset, clamped: QUANTIZE int8->int8 and RELU*. */
typedef struct {
    int32_t input_offset;
    int32_t output_offset;
    es_quant_params quant;
    es_activation activation;
} es_requantize_params;

/* Axis bits of es_mean_params.axes. */
#define ES_AXIS_N 1u
#define ES_AXIS_H 2u
#define ES_AXIS_W 4u
#define ES_AXIS_C 8u

typedef struct {
    int32_t input_offset;
    int32_t output_offset;
    es_quant_params quant; /* includes the division by the number of reduced values */
    uint32_t axes;         /* ES_AXIS_* bits of the reduced dimensions */
} es_mean_params;

/* LEAKY_RELU: (x + input_offset) times identity where it is >= 0, times alpha elsewhere. */
typedef struct {
    int32_t input_offset;
    int32_t output_offset;
    es_quant_params identity; /* input scale / output scale */
    es_quant_params alpha;    /* alpha * input scale / output scale */
} es_leaky_relu_params;

/* PRELU: (x + input_offset) times multiplier_1 where it is >= 0, else times
 * (alpha + alpha_offset) and multiplier_2; output_offset added, clamped to int8. */
typedef struct {
    int32_t input_offset;
    int32_t alpha_offset;
    int32_t output_offset;
    int32_t multiplier_1;
    int32_t shift_1;
    int32_t multiplier_2;
    int32_t shift_2;
} es_prelu_params;

/* REDUCE_MAX, REDUCE_MIN: input and output share one format, raw values are compared. */
typedef struct {
    uint32_t axes; /* ES_AXIS_* bits of the reduced dimensions */
} es_reduce_params;

/* RESIZE_BILINEAR: positions on a 2^10 grid; input and output share one format. */
typedef struct {
    int32_t height_scale;       /* input / output height times 2^10, rounded */
    int32_t width_scale;        /* input / output width times 2^10, rounded */
    int32_t half_pixel_centers; /* 1: sample at pixel centres */
} es_resize_bilinear_params;

/* BATCH_MATMUL: one requantization of the sum of offset products; no fused activation. */
typedef struct {
    int32_t input1_offset; /* minus the zero point of a */
    int32_t input2_offset; /* minus the zero point of b */
    int32_t output_offset;
    es_quant_params quant; /* scale a * scale b / output scale */
    int32_t adj_x;         /* 1: a is stored [K, M] */
    int32_t adj_y;         /* 1: b is stored [N, K] */
} es_batch_matmul_params;

/* L2_NORMALIZATION: output scale 1/128 and zero point 0, fixed by the op. */
typedef struct {
    int32_t input_offset; /* minus the input zero point */
} es_l2_norm_params;

typedef struct {
    es_dims before; /* values inserted before the data along n, h, w, c */
    int32_t pad_value;
} es_pad_params;

typedef struct {
    int32_t axis; /* 0 n, 1 h, 2 w, 3 c */
    int32_t num_inputs;
} es_concat_params;

/* ---- Data movement: es_gather_* -------------------------------------------------------------
 *
 * Every pure data-movement op (transpose, slice, tile, depth/space rearrangements...) is one
 * strided walk computed offline: output element (i_0, ..., i_{rank-1}), in row-major order, is
 * input element offset + sum_k i_k * strides[k]. Strides count elements and may be 0
 * (repetition) or negative (reversal).
 */
#define ES_GATHER_MAX_DIMS 6

typedef struct {
    int32_t rank;                        /* 1 .. ES_GATHER_MAX_DIMS */
    int32_t offset;                      /* input element of output element 0 */
    int32_t dims[ES_GATHER_MAX_DIMS];    /* output shape, outermost first, each >= 1 */
    int32_t strides[ES_GATHER_MAX_DIMS]; /* input elements between neighbours along each axis */
    int32_t input_size;                  /* input elements: every read must fall below it */
} es_gather_params;

/* A data-movement op that is no strided walk (mirror padding, constant-index gathers, resizes
 * by a fraction): output row k (run consecutive elements) is input[offsets[k] ...], the row
 * offsets computed offline. */
typedef struct {
    int32_t rows;
    int32_t run;
    int32_t input_size; /* elements of the input, to check every row against */
    const int32_t *offsets;
} es_gather_table_params;

/* ---- Fixed point (ap_fixed<W, I, Q, O> semantics), es_*_fx kernels -------------------------
 *
 * Tensors hold raw integers r in int32; value = r * 2^-F. A kernel computes
 * its result exactly in an int64 accumulator at the accumulator's binary
 * point, clamps it by the fused activation and casts it once into the output
 * type: the rounding mode decides whether floor(v / 2^drop) gains one, then
 * the overflow mode maps the rounded integer into `width` bits. The code
 * generator proves offline (interval analysis) that |v| < 2^62.
 */

/* Quantization (rounding) modes; the increment rule of each is in es_nn_fx_support.h. */
typedef enum {
    ES_FX_TRN = 0,         /* floor */
    ES_FX_TRN_ZERO = 1,    /* toward zero */
    ES_FX_RND = 2,         /* nearest, ties toward +infinity */
    ES_FX_RND_ZERO = 3,    /* nearest, ties toward zero */
    ES_FX_RND_MIN_INF = 4, /* nearest, ties toward -infinity */
    ES_FX_RND_INF = 5,     /* nearest, ties away from zero */
    ES_FX_RND_CONV = 6     /* nearest, ties to even */
} es_fx_rounding;

/* Overflow modes, applied after rounding. */
typedef enum {
    ES_FX_SAT = 0,      /* clamp to [min, max] */
    ES_FX_SAT_ZERO = 1, /* out of range becomes 0 */
    ES_FX_SAT_SYM = 2,  /* signed: clamp to [-max, max] */
    ES_FX_WRAP = 3      /* keep the low `width` bits */
} es_fx_overflow;

/* A cast target: width 1..32 (signed) or 1..31 (unsigned); the binary point is in `drop`. */
typedef struct {
    int32_t width;
    int32_t is_signed;
    es_fx_rounding rounding;
    es_fx_overflow overflow;
} es_fx_type;

/*
 * The output stage of every fixed-point kernel: the exact value v (at the
 * accumulator's binary point) is clamped to [clamp_min, clamp_max] (the fused
 * activation; INT64_MIN and INT64_MAX for none), then cast into `type`,
 * dropping `drop` = accumulator minus output fractional bits (a negative drop
 * shifts left).
 */
typedef struct {
    int64_t clamp_min;
    int64_t clamp_max;
    int32_t drop;
    es_fx_type type;
} es_fx_output;

/* Dense and convolution: acc = (sum of products << product_shift) + (bias << bias_shift). */
typedef struct {
    int32_t product_shift; /* >= 0 */
    int32_t bias_shift;    /* >= 0 */
    es_fx_output output;
} es_fx_mac_params;

typedef struct {
    es_tile stride;
    es_tile dilation;
    es_tile padding; /* top, left */
    es_fx_mac_params mac;
} es_conv_fx_params;

typedef struct {
    int32_t depth_multiplier;
    es_tile stride;
    es_tile dilation;
    es_tile padding;
    es_fx_mac_params mac;
} es_dw_conv_fx_params;

/* Pooling: input values are shifted left by input_shift to the accumulator's binary point. */
typedef struct {
    es_tile window;
    es_tile stride;
    es_tile padding;
    int32_t input_shift; /* >= 0 */
    es_fx_output output;
} es_pool_fx_params;

/* a + b, each aligned to the accumulator's binary point first. */
typedef struct {
    int32_t input1_shift; /* >= 0 */
    int32_t input2_shift; /* >= 0 */
    es_fx_output output;
} es_add_fx_params;

/* Activation functions and casts between fixed-point types (x << input_shift, clamp, cast). */
typedef struct {
    int32_t input_shift; /* >= 0 */
    es_fx_output output;
} es_relu_fx_params;

/* a * b: the exact product (binary point F_a + F_b) shifted left to the accumulator's. */
typedef struct {
    int32_t product_shift; /* >= 0 */
    es_fx_output output;
} es_mul_fx_params;

/*
 * Sigmoid and tanh by table (sdk/edgesmith/arith/fixed_tables.py builds it):
 * output = table[clamp((input >> shift) + offset, 0, size - 1)], the shift
 * rounding toward minus infinity. Entries are raw values of the output type.
 */
typedef struct {
    const int32_t *table;
    int32_t size;   /* >= 1 */
    int32_t shift;  /* >= 0 */
    int32_t offset; /* the entry of input 0 */
} es_table_fx_params;

/*
 * Softmax by tables, over rows (sdk/edgesmith/sim/fixed_tables.py): with
 * d = row max - x, e = exp_table[min(d >> exp_shift, exp_size - 1)]; s = the
 * row's sum of e; inv = inv_table[min(s >> inv_shift, inv_size - 1)];
 * output = the exact product e * inv cast by `output` (no clamp). Entries
 * are raw ufixed<18,1> values, so the product has 34 fractional bits.
 */
typedef struct {
    const int32_t *exp_table;
    int32_t exp_size;  /* >= 1 */
    int32_t exp_shift; /* >= 0 */
    const int32_t *inv_table;
    int32_t inv_size;  /* >= 1 */
    int32_t inv_shift; /* >= 0 */
    es_fx_output output;
} es_softmax_fx_params;

/*
 * Power-of-two weight codes (es_*_p2 kernels), as sdk/edgesmith/ir/pow2.py
 * lays them out: with E = exponent_bits, bit E is the sign (1 = negative) and
 * bits E-1..0 hold the field f; f = 0 is the weight 0 (sign bit 0), otherwise
 * the product x * w is x shifted left by f - 1, negated for a negative sign
 * (the products sit at the binary point x_frac - min_exp). Codes of at most 4
 * bits are stored two to a byte, the first in the low nibble (code_bits 4);
 * wider codes one to a byte (code_bits 8).
 */
typedef struct {
    int32_t exponent_bits; /* 1..7 */
    int32_t max_field;     /* max_exp - min_exp + 1, below 2^exponent_bits */
    int32_t code_bits;     /* 4 or 8 */
} es_pow2_code;

/*
 * Sub-byte affine tensors (es_*_s4 kernels): the int8 arithmetic on 4- or
 * 2-bit two's-complement values. Packing, the same everywhere (simulator,
 * C runtime, HLS, weights files): with k = 8 / bits values a byte, element i
 * of the flattened NHWC tensor occupies bits (i % k) * bits and up of byte
 * i / k, so the first element is in the LOW bits; the unused high bits of a
 * last, partial byte are 0. Example, 4 bits: {1, -2, 3} -> {0xE1, 0x03}.
 * A width of 8 means plain int8 bytes.
 */
typedef struct {
    int32_t input_bits;  /* 8, 4 or 2 */
    int32_t filter_bits; /* 8, 4 or 2 (ignored by pooling) */
    int32_t output_bits; /* 8, 4 or 2 */
} es_packing;

/*
 * The edges of an integer model (QUANTIZE from float32, DEQUANTIZE to float32), in
 * single precision only: the same IEEE binary32 operations give the same bits on the host
 * and on a Cortex-M with or without an FPU. The scale is the tensor's float32 scale.
 */
typedef struct {
    float scale;             /* of the integer output */
    int32_t zero_point;      /* of the integer output */
    es_activation activation; /* clamp: the output type's whole range */
} es_quantize_float_params;

typedef struct {
    float scale;        /* of the integer input */
    int32_t zero_point; /* of the integer input */
} es_dequantize_params;

/*
 * UNIDIRECTIONAL_SEQUENCE_LSTM with int8 activations and weights (TFLite Micro's integer
 * LSTM): gates requantized to Q3.12 int16, gate functions in Q0.15, int16 cell state.
 */
typedef struct {
    int32_t sequences;         /* independent sequences in one input (batch) */
    int32_t steps;             /* time steps */
    int32_t features;          /* input features per step */
    int32_t units;             /* hidden units */
    int32_t time_major;        /* 1: [steps, sequences, features]; 0: [sequences, steps, ..] */
    int32_t input_offset;      /* -input zero point */
    int32_t hidden_offset;     /* -hidden state zero point */
    const es_quant_params *gates; /* 8: per gate (input, forget, cell, output) its input then
                                     its recurrent dense layer, to Q3.12 */
    es_quant_params forget_mul; /* forget gate x cell state -> cell state */
    es_quant_params input_mul;  /* input gate x cell gate -> cell state */
    es_quant_params hidden_mul; /* tanh(cell) x output gate -> hidden state */
    int32_t hidden_zero_point;
    int32_t cell_tanh_shift;   /* in [-15, 14]: tanh reads cell * 3 * 2^shift (rounded if < 0) */
    int32_t cell_clip;         /* |cell| bound in cell units, 0: none */
    const uint16_t *sigmoid_table; /* 256: sigmoid(k / 24) in Q0.16, TFLite's int16 table */
} es_lstm_params;

/*
 * SVDF with int8 input and output and a state (and time weights) of int16
 * (es_svdf_s8) or int8 (es_svdf_s8_state8). The state is [filters, memory],
 * the newest value of each filter last; it persists between invocations.
 */
typedef struct {
    int32_t input_size;
    int32_t filters;          /* rows of weights_feature and weights_time */
    int32_t memory;           /* columns of weights_time */
    int32_t rank;             /* filters per output unit */
    int32_t input_offset;     /* -input zero point */
    int32_t state_zero_point;
    int32_t output_offset;    /* output zero point */
    es_quant_params feature;  /* input x weights_feature -> state scale */
    es_quant_params time;     /* state x weights_time -> output scale */
} es_svdf_params;

/*
 * The output stage of a 16x8 MAC op (int16 activations with zero point 0, int8 weights,
 * int64 bias): the 64-bit accumulator requantized per output channel with TFLite's
 * 64-bit rounding (es_multiply_by_quantized_multiplier_64), clamped to [min, max].
 */
typedef struct {
    int32_t weights_offset;     /* -weights zero point (0 for per-channel weights) */
    const int32_t *multiplier;  /* one per output channel */
    const int32_t *shift;       /* one per output channel, in [-31, 7] */
    int32_t min;                /* int16 clamp of the fused activation */
    int32_t max;
} es_quant16_params;

/* A clamp inside the int16 range (ADD and MUL on int16 activations). */
typedef struct {
    int32_t min;
    int32_t max;
} es_activation16;

/*
 * int16 LOGISTIC and TANH (TFLite Micro's int16 kernels): v = (x * input_multiplier +
 * round) >> input_left_shift rescales x to 1 / (3 * 4096) per unit; input_multiplier 0 is
 * the power-of-two case, v = x * (3 << input_left_shift). The output is Q0.15.
 */
typedef struct {
    int32_t input_multiplier;       /* in [0, 65535] */
    int32_t input_left_shift;       /* in [0, 31] */
    const uint16_t *sigmoid_table;  /* 256: sigmoid(k / 24) in Q0.16, TFLite's int16 table */
} es_sigmoid16_params;

/*
 * int16 -> int16 SOFTMAX (TFLite Micro's): the difference to the row maximum, rescaled by
 * (input_multiplier, input_left_shift) so that [-65535, 0] spans [-10, 0], goes through
 * the exp table; the row sum through the 1 / (1 + x) table. Output Q0.15.
 */
typedef struct {
    int32_t input_multiplier;          /* Q31, >= 0 */
    int32_t input_left_shift;          /* in [-31, 15] */
    const int16_t *exp_table;          /* 513: exp on [-10, 0] in Q0.15 */
    const int16_t *reciprocal_table;   /* 513: 1 / (1 + x) on [0, 1] in Q0.15 */
} es_softmax16_params;

/* ---- Fixed point: prelu, leaky_relu, and tables with an identity part ------------------ */

/* x << positive_shift where x >= 0, else the exact x * alpha << product_shift; then cast. */
typedef struct {
    int32_t positive_shift; /* [0, 30] */
    int32_t product_shift;  /* [0, 62] */
    es_fx_output output;
} es_prelu_fx_params;

/* es_prelu_fx_params with one alpha (raw, at the binary point the generator chose). */
typedef struct {
    int32_t alpha;
    int32_t positive_shift; /* [0, 30] */
    int32_t product_shift;  /* [0, 62] */
    es_fx_output output;
} es_leaky_relu_fx_params;

/*
 * ELU and HARD_SWISH: an input of at least identity_from (raw) is cast into the output
 * (`identity`: no clamp, drop = F_in - F_out); any other input reads the table as
 * es_table_fx_params does (table[clamp((input >> shift) + offset, 0, size - 1)]).
 */
typedef struct {
    const int32_t *table;
    int32_t size;   /* >= 1 */
    int32_t shift;  /* >= 0 */
    int32_t offset; /* the entry of input 0 */
    int64_t identity_from;
    es_fx_output identity;
} es_table_identity_fx_params;

/*
 * Fixed-point REDUCE_MAX, REDUCE_MIN, SUM and MEAN over the ES_AXIS_* bits in `axes`: the
 * chosen value or the exact sum cast by `output` (no clamp); MEAN casts the exact quotient
 * sum / count, num and den scaled by mean_shift = F_in - F_out (den << shift where it is
 * positive, num << -shift where negative), with output.type.
 */
typedef struct {
    uint32_t axes;
    int32_t mean_shift; /* [-62, 62] */
    es_fx_output output;
} es_reduce_fx_params;

#ifdef __cplusplus
}
#endif

#endif /* ES_NN_TYPES_H */
