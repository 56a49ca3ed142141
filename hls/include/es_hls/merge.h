// Layers that join tensors: add, subtract, multiply, maximum, minimum,
// squared_difference (same shapes), their *_broadcast forms and prelu_broadcast
// (one operand a constant array repeated along the output, e.g. a per-channel
// scale or shift, or prelu's alpha), concatenate, and the one-input abs and relu
// family (a clamp and a cast).
//
// Configs (es_hls::elementwise_config, es_hls::concat_config) give accum_t:
// a type that holds the exact sum or product (or the input) and the
// activation bounds; the result is clamped there and cast once.
#ifndef ES_HLS_MERGE_H_
#define ES_HLS_MERGE_H_

#include "es_hls/stream.h"

namespace es_hls {

// The binary ops: each returns its exact result in acc_T (the generator sizes it).
struct add_op {
    template <class acc_T, class a_T, class b_T>
    static acc_T apply(const a_T& a, const b_T& b) {
        acc_T s = a;
        s += b;
        return s;
    }
};

struct subtract_op {
    template <class acc_T, class a_T, class b_T>
    static acc_T apply(const a_T& a, const b_T& b) {
        acc_T s = a;
        s -= b;
        return s;
    }
};

struct multiply_op {
    template <class acc_T, class a_T, class b_T>
    static acc_T apply(const a_T& a, const b_T& b) {
        return acc_T(a * b);
    }
};

struct maximum_op {
    template <class acc_T, class a_T, class b_T>
    static acc_T apply(const a_T& a, const b_T& b) {
        if (a < b) return acc_T(b);
        return acc_T(a);
    }
};

struct minimum_op {
    template <class acc_T, class a_T, class b_T>
    static acc_T apply(const a_T& a, const b_T& b) {
        if (b < a) return acc_T(b);
        return acc_T(a);
    }
};

struct squared_difference_op {
    template <class acc_T, class a_T, class b_T>
    static acc_T apply(const a_T& a, const b_T& b) {
        const acc_T d = a - b;  // exact: acc_T holds the square, so the difference too
        return acc_T(d * d);
    }
};

// prelu and leaky_relu: a where a >= 0, else a * alpha (b).
struct prelu_op {
    template <class acc_T, class a_T, class b_T>
    static acc_T apply(const a_T& a, const b_T& b) {
        if (a >= 0) return acc_T(a);
        return acc_T(a * b);
    }
};

// b OP a: a constant first operand that does not commute (c - x).
template <class OP>
struct swapped_op {
    template <class acc_T, class a_T, class b_T>
    static acc_T apply(const a_T& a, const b_T& b) {
        return OP::template apply<acc_T>(b, a);
    }
};

template <class OP, class a_T, class b_T, class res_T, typename CONFIG_T>
inline res_T binary_one(const a_T& a, const b_T& b) {
    return finish<res_T, CONFIG_T::activation>(
        OP::template apply<typename CONFIG_T::accum_t>(a, b));
}

// y[i] = a[i] OP b[i], both operands of the output's shape.
template <class OP, class a_T, class b_T, class res_T, typename CONFIG_T>
void binary_array(const a_T a[CONFIG_T::n_elem], const b_T b[CONFIG_T::n_elem],
                  res_T y[CONFIG_T::n_elem]) {
#pragma HLS PIPELINE II = CONFIG_T::reuse_factor
Binary:
    for (unsigned i = 0; i < CONFIG_T::n_elem; i++) {
        y[i] = binary_one<OP, a_T, b_T, res_T, CONFIG_T>(a[i], b[i]);
    }
}

template <class OP, class a_T, class b_T, class res_T, typename CONFIG_T>
void binary_stream(hls::stream<a_T>& a, hls::stream<b_T>& b, hls::stream<res_T>& y) {
BinaryStream:
    for (unsigned i = 0; i < CONFIG_T::n_elem; i++) {
#pragma HLS PIPELINE II = 1
        y.write(binary_one<OP, a_T, b_T, res_T, CONFIG_T>(a.read(), b.read()));
    }
}

#define ES_HLS_BINARY_KERNEL(NAME, OP)                                                        \
    template <class a_T, class b_T, class res_T, typename CONFIG_T>                            \
    void NAME(const a_T a[CONFIG_T::n_elem], const b_T b[CONFIG_T::n_elem],                    \
              res_T y[CONFIG_T::n_elem]) {                                                     \
        binary_array<OP, a_T, b_T, res_T, CONFIG_T>(a, b, y);                                  \
    }                                                                                          \
    template <class a_T, class b_T, class res_T, typename CONFIG_T>                            \
    void NAME##_stream(hls::stream<a_T>& a, hls::stream<b_T>& b, hls::stream<res_T>& y) {      \
        binary_stream<OP, a_T, b_T, res_T, CONFIG_T>(a, b, y);                                 \
    }

ES_HLS_BINARY_KERNEL(add, add_op)
ES_HLS_BINARY_KERNEL(subtract, subtract_op)
ES_HLS_BINARY_KERNEL(multiply, multiply_op)
ES_HLS_BINARY_KERNEL(maximum, maximum_op)
ES_HLS_BINARY_KERNEL(minimum, minimum_op)
ES_HLS_BINARY_KERNEL(squared_difference, squared_difference_op)
#undef ES_HLS_BINARY_KERNEL

// y[i] = x[i] OP c[i % n_const]: the constant (raw bits of const_t in
// const_store_t) repeats with period n_const along the flattened output; the
// generator makes it n_elem long where the broadcast is not such a repetition.
template <class OP, class data_T, class res_T, typename CONFIG_T>
inline res_T broadcast_one(const data_T& x, const typename CONFIG_T::const_store_t& raw) {
    typedef typename CONFIG_T::const_t const_T;
    return binary_one<OP, data_T, const_T, res_T, CONFIG_T>(x, from_raw<const_T>(raw));
}

template <class OP, class data_T, class res_T, typename CONFIG_T>
void broadcast_array(const data_T x[CONFIG_T::n_elem], res_T y[CONFIG_T::n_elem],
                     const typename CONFIG_T::const_store_t c[CONFIG_T::n_const]) {
#pragma HLS PIPELINE II = CONFIG_T::reuse_factor
Broadcast:
    for (unsigned i = 0; i < CONFIG_T::n_elem; i++) {
        y[i] = broadcast_one<OP, data_T, res_T, CONFIG_T>(x[i], c[i % CONFIG_T::n_const]);
    }
}

template <class OP, class data_T, class res_T, typename CONFIG_T>
void broadcast_stream(hls::stream<data_T>& x, hls::stream<res_T>& y,
                      const typename CONFIG_T::const_store_t c[CONFIG_T::n_const]) {
BroadcastStream:
    for (unsigned i = 0; i < CONFIG_T::n_elem; i++) {
#pragma HLS PIPELINE II = 1
        y.write(broadcast_one<OP, data_T, res_T, CONFIG_T>(x.read(), c[i % CONFIG_T::n_const]));
    }
}

#define ES_HLS_BROADCAST_KERNEL(NAME, OP)                                                    \
    template <class data_T, class res_T, typename CONFIG_T>                                  \
    void NAME(const data_T x[CONFIG_T::n_elem], res_T y[CONFIG_T::n_elem],                   \
              const typename CONFIG_T::const_store_t c[CONFIG_T::n_const]) {                 \
        broadcast_array<OP, data_T, res_T, CONFIG_T>(x, y, c);                               \
    }                                                                                        \
    template <class data_T, class res_T, typename CONFIG_T>                                  \
    void NAME##_stream(hls::stream<data_T>& x, hls::stream<res_T>& y,                        \
                       const typename CONFIG_T::const_store_t c[CONFIG_T::n_const]) {        \
        broadcast_stream<OP, data_T, res_T, CONFIG_T>(x, y, c);                              \
    }

ES_HLS_BROADCAST_KERNEL(add_broadcast, add_op)
ES_HLS_BROADCAST_KERNEL(subtract_broadcast, subtract_op)
ES_HLS_BROADCAST_KERNEL(reverse_subtract_broadcast, swapped_op<subtract_op>)
ES_HLS_BROADCAST_KERNEL(multiply_broadcast, multiply_op)
ES_HLS_BROADCAST_KERNEL(maximum_broadcast, maximum_op)
ES_HLS_BROADCAST_KERNEL(minimum_broadcast, minimum_op)
ES_HLS_BROADCAST_KERNEL(squared_difference_broadcast, squared_difference_op)
ES_HLS_BROADCAST_KERNEL(prelu_broadcast, prelu_op)
#undef ES_HLS_BROADCAST_KERNEL

// |x| (accum_t holds |min|), clamped and cast once.
template <class data_T, class res_T, typename CONFIG_T>
inline res_T abs_one(const data_T& x) {
    typename CONFIG_T::accum_t v = x;
    if (v < 0) v = -v;
    return finish<res_T, CONFIG_T::activation>(v);
}

template <class data_T, class res_T, typename CONFIG_T>
void abs(const data_T x[CONFIG_T::n_elem], res_T y[CONFIG_T::n_elem]) {
#pragma HLS PIPELINE II = CONFIG_T::reuse_factor
Abs:
    for (unsigned i = 0; i < CONFIG_T::n_elem; i++) y[i] = abs_one<data_T, res_T, CONFIG_T>(x[i]);
}

template <class data_T, class res_T, typename CONFIG_T>
void abs_stream(hls::stream<data_T>& x, hls::stream<res_T>& y) {
AbsStream:
    for (unsigned i = 0; i < CONFIG_T::n_elem; i++) {
#pragma HLS PIPELINE II = 1
        y.write(abs_one<data_T, res_T, CONFIG_T>(x.read()));
    }
}

// relu, relu6, relu_n1_to_1 (CONFIG_T::activation), or a plain cast.
template <class data_T, class res_T, typename CONFIG_T>
void activation(const data_T x[CONFIG_T::n_elem], res_T y[CONFIG_T::n_elem]) {
#pragma HLS PIPELINE II = CONFIG_T::reuse_factor
Activation:
    for (unsigned i = 0; i < CONFIG_T::n_elem; i++) {
        y[i] = finish<res_T, CONFIG_T::activation>(typename CONFIG_T::accum_t(x[i]));
    }
}

template <class data_T, class res_T, typename CONFIG_T>
void activation_stream(hls::stream<data_T>& x, hls::stream<res_T>& y) {
ActivationStream:
    for (unsigned i = 0; i < CONFIG_T::n_elem; i++) {
#pragma HLS PIPELINE II = 1
        y.write(finish<res_T, CONFIG_T::activation>(typename CONFIG_T::accum_t(x.read())));
    }
}

// Two inputs joined along an axis: n_outer blocks, each n_inner_a values of a
// then n_inner_b of b. Each input is clamped and cast on its own (a_accum_t,
// b_accum_t hold it and the activation bounds).
template <class a_T, class b_T, class res_T, typename CONFIG_T>
void concatenate(const a_T a[CONFIG_T::n_outer * CONFIG_T::n_inner_a],
                 const b_T b[CONFIG_T::n_outer * CONFIG_T::n_inner_b],
                 res_T y[CONFIG_T::n_outer * (CONFIG_T::n_inner_a + CONFIG_T::n_inner_b)]) {
    const unsigned row = CONFIG_T::n_inner_a + CONFIG_T::n_inner_b;
ConcatOuter:
    for (unsigned o = 0; o < CONFIG_T::n_outer; o++) {
    ConcatA:
        for (unsigned i = 0; i < CONFIG_T::n_inner_a; i++) {
            y[o * row + i] = finish<res_T, CONFIG_T::activation>(
                typename CONFIG_T::a_accum_t(a[o * CONFIG_T::n_inner_a + i]));
        }
    ConcatB:
        for (unsigned i = 0; i < CONFIG_T::n_inner_b; i++) {
            y[o * row + CONFIG_T::n_inner_a + i] = finish<res_T, CONFIG_T::activation>(
                typename CONFIG_T::b_accum_t(b[o * CONFIG_T::n_inner_b + i]));
        }
    }
}

template <class a_T, class b_T, class res_T, typename CONFIG_T>
void concatenate_stream(hls::stream<a_T>& a, hls::stream<b_T>& b, hls::stream<res_T>& y) {
ConcatStreamOuter:
    for (unsigned o = 0; o < CONFIG_T::n_outer; o++) {
    ConcatStreamA:
        for (unsigned i = 0; i < CONFIG_T::n_inner_a; i++) {
#pragma HLS PIPELINE II = 1
            y.write(finish<res_T, CONFIG_T::activation>(typename CONFIG_T::a_accum_t(a.read())));
        }
    ConcatStreamB:
        for (unsigned i = 0; i < CONFIG_T::n_inner_b; i++) {
#pragma HLS PIPELINE II = 1
            y.write(finish<res_T, CONFIG_T::activation>(typename CONFIG_T::b_accum_t(b.read())));
        }
    }
}

}  // namespace es_hls

#endif  // ES_HLS_MERGE_H_
