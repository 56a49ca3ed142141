// es_hls: the HLS C++ kernels of edgesmith, one header set for every flow.
//
// Every kernel is a template over its input and output types and a
// compile-time config struct that the generator derives from one of the
// base structs below (`struct layer3_config : es_hls::dense_config {...}`).
// The generator computes every number in a config (sizes, shifts, the
// accumulator types); the kernels hold no defaults that matter.
//
// Arithmetic contract (the golden simulator's, see sim/include/es_sim/
// fixed_layers.h): products are exact, sums are exact in an accumulator type
// the generator makes wide enough, a fused activation clamps the exact
// value, and the result is quantized once, by assigning to the output type
// (its ap_fixed rounding and overflow modes).
//
// Pragmas are Vitis HLS pragmas; g++ ignores them (compile C-simulation with
// -Wno-unknown-pragmas).
#ifndef ES_HLS_COMMON_H_
#define ES_HLS_COMMON_H_

#include "ap_fixed.h"
#include "ap_int.h"
#include "hls_stream.h"

namespace es_hls {

// Fused activations, as the IR's `activation` attribute.
enum activation_kind { act_none = 0, act_relu = 1, act_relu6 = 2, act_relu_n1_to_1 = 3 };

// The raw two's complement bits of a fixed-point value, as an integer, and
// back. Weights and tables are stored raw: exact integers, never decimal
// fractions. Between types of one width and signedness this is a copy of the
// underlying bits (the member V of both), which costs nothing in hardware
// and little in C-simulation.
template <int W, int I, ap_q_mode Q, ap_o_mode O, int N>
inline ap_int<W> raw_bits(const ap_fixed<W, I, Q, O, N>& x) {
    ap_int<W> r;
    r.V = x.V;
    return r;
}

template <int W, int I, ap_q_mode Q, ap_o_mode O, int N>
inline ap_uint<W> raw_bits(const ap_ufixed<W, I, Q, O, N>& x) {
    ap_uint<W> r;
    r.V = x.V;
    return r;
}

template <class fixed_T, int W, bool S>
inline fixed_T from_raw(const ap_int_base<W, S>& raw) {
    fixed_T x;
    x.V = raw.V;
    return x;
}

// From a host integer (testbench files): its low W bits.
template <class fixed_T>
inline fixed_T from_raw(long long raw) {
    fixed_T x;
    x.range() = raw;
    return x;
}

// Clamp an exact value by a fused activation. `scale` multiplies the bounds
// (the average pool clamps a sum of `scale` cells); T must hold the bounds.
template <int ACT, class T>
inline void clamp_activation(T& v, unsigned scale = 1) {
    if (ACT == act_none) return;
    if (ACT == act_relu_n1_to_1) {
        if (v < -int(scale)) v = -int(scale);
        if (v > int(scale)) v = int(scale);
        return;
    }
    if (v < 0) v = 0;
    if (ACT == act_relu6 && v > int(6 * scale)) v = int(6 * scale);
}

// Clamp, then quantize once into the output type.
template <class res_T, int ACT, class acc_T>
inline res_T finish(acc_T acc) {
    clamp_activation<ACT>(acc);
    return res_T(acc);
}

// -- base config structs: the generator overrides every field it uses ------------------
struct dense_config {
    static const unsigned n_in = 1;
    static const unsigned n_out = 1;
    static const unsigned reuse_factor = 1;
    static const unsigned multiplier_limit = 1;
    static const int activation = act_none;
};

// Geometry of a sliding window over an NHWC image (conv and pooling).
// line_rows: input rows a stream kernel buffers (the rows one window spans).
struct window_config {
    static const unsigned in_height = 1, in_width = 1, n_chan = 1;
    static const unsigned out_height = 1, out_width = 1;
    static const unsigned filt_height = 1, filt_width = 1;
    static const unsigned stride_height = 1, stride_width = 1;
    static const unsigned dilation_height = 1, dilation_width = 1;
    static const unsigned pad_top = 0, pad_left = 0;
    static const unsigned line_rows = 1;
    static const unsigned reuse_factor = 1;
    static const int activation = act_none;
};

// conv2d (OHWI weights), depthwise conv2d ([1, KH, KW, C*M] weights) and
// conv1d (the height fields stay 1).
struct conv2d_config : window_config {
    static const unsigned n_filt = 1;
    static const unsigned depth_multiplier = 0;  // > 0: depthwise
    static const unsigned multiplier_limit = 1;
};

// max / average pooling; full_windows: no window reaches into the padding,
// so every average divides by the same constant.
struct pooling2d_config : window_config {
    static const bool average = false;
    static const bool full_windows = true;
    static const int avg_shift = 0;
};

// add, mul, relu family, concatenate, clone, table activations, softmax
struct elementwise_config {
    static const unsigned n_elem = 1;
    static const unsigned reuse_factor = 1;
    static const int activation = act_none;
};

// add_broadcast, multiply_broadcast, ...: a constant operand of n_const values (const_t,
// stored as const_store_t) repeated along the output
struct broadcast_config : elementwise_config {
    static const unsigned n_const = 1;
};

// A strided walk (es_hls::gather): dim0 outermost .. dim5 innermost, unused leading axes 1.
struct gather_config {
    static const unsigned n_in = 1, n_out = 1;
    static const int offset = 0;
    static const unsigned dim0 = 1, dim1 = 1, dim2 = 1, dim3 = 1, dim4 = 1, dim5 = 1;
    static const int stride0 = 0, stride1 = 0, stride2 = 0, stride3 = 0, stride4 = 0, stride5 = 0;
};

// A row gather (es_hls::gather_table): n_rows rows of run elements, offsets stored as offset_t.
struct gather_table_config {
    static const unsigned n_in = 1, n_rows = 1, run = 1;
};

// reduce_max, reduce_min, sum, mean (es_hls::reduce): the sample as [dim1, dim2, dim3]
enum reduce_kind { reduce_max = 0, reduce_min = 1, reduce_sum = 2, reduce_mean = 3 };
struct reduce_config {
    static const unsigned n_in = 1, n_out = 1, n_reduce = 1;
    static const unsigned dim1 = 1, dim2 = 1, dim3 = 1;
    static const unsigned kept1 = 1, kept2 = 1, kept3 = 1, red1 = 1, red2 = 1, red3 = 1;
    static const int kind = reduce_max;
    static const int avg_shift = 0;
    static const int activation = act_none;
};

struct concat_config {
    static const unsigned n_outer = 1;
    static const unsigned n_inner_a = 1, n_inner_b = 1;
    static const int activation = act_none;
};

struct table_config {
    static const unsigned n_elem = 1;
    static const unsigned table_size = 1024;
    static const unsigned index_shift = 0;
    static const unsigned index_offset = 0;
    static const unsigned reuse_factor = 1;
    // elu, hard_swish: inputs from this raw value on are cast, not looked up (none by default)
    static const long long identity_from = 0x7fffffffffffffffLL;
};

struct softmax_config {
    static const unsigned n_outer = 1;
    static const unsigned n_in = 1;
    static const unsigned exp_table_size = 1024, exp_shift = 0;
    static const unsigned inv_table_size = 1024, inv_shift = 0;
    static const unsigned reuse_factor = 1;
};

}  // namespace es_hls

#endif  // ES_HLS_COMMON_H_
