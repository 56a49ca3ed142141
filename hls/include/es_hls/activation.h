// Table-based sigmoid (logistic), tanh, elu, hard_swish and softmax. The tables
// and every shift come from the generator (sdk/edgesmith/arith/fixed_tables.py,
// which also documents the method); tables are stored as raw integers.
#ifndef ES_HLS_ACTIVATION_H_
#define ES_HLS_ACTIVATION_H_

#include "es_hls/stream.h"

namespace es_hls {

// Entry (raw >> index_shift) + index_offset of the table, clamped to its ends; from
// CONFIG_T::identity_from (a raw input; elu, hard_swish) on, the input cast into res_T.
template <class data_T, class res_T, typename CONFIG_T>
inline res_T lookup_one(const data_T& x,
                        const typename CONFIG_T::table_store_t table[CONFIG_T::table_size]) {
    if (raw_bits(x) >= CONFIG_T::identity_from) return res_T(x);
    typename CONFIG_T::index_t index = raw_bits(x) >> CONFIG_T::index_shift;
    index += CONFIG_T::index_offset;
    if (index < 0) index = 0;
    if (index > CONFIG_T::table_size - 1) index = CONFIG_T::table_size - 1;
    return from_raw<res_T>(table[index.to_uint()]);
}

template <class data_T, class res_T, typename CONFIG_T>
void table_lookup(const data_T x[CONFIG_T::n_elem], res_T y[CONFIG_T::n_elem],
                  const typename CONFIG_T::table_store_t table[CONFIG_T::table_size]) {
#pragma HLS PIPELINE II = CONFIG_T::reuse_factor
TableLookup:
    for (unsigned i = 0; i < CONFIG_T::n_elem; i++) {
        y[i] = lookup_one<data_T, res_T, CONFIG_T>(x[i], table);
    }
}

template <class data_T, class res_T, typename CONFIG_T>
void table_lookup_stream(hls::stream<data_T>& x, hls::stream<res_T>& y,
                         const typename CONFIG_T::table_store_t table[CONFIG_T::table_size]) {
TableLookupStream:
    for (unsigned i = 0; i < CONFIG_T::n_elem; i++) {
#pragma HLS PIPELINE II = 1
        y.write(lookup_one<data_T, res_T, CONFIG_T>(x.read(), table));
    }
}

// One softmax over n_in values: exp of (x - max) from a table, the exact sum,
// 1 / sum from a table, one exact product cast into res_T.
template <class data_T, class res_T, typename CONFIG_T>
void softmax_row(const data_T x[CONFIG_T::n_in], res_T y[CONFIG_T::n_in],
                 const typename CONFIG_T::exp_store_t exp_table[CONFIG_T::exp_table_size],
                 const typename CONFIG_T::inv_store_t inv_table[CONFIG_T::inv_table_size]) {
#pragma HLS INLINE
    data_T top = x[0];
SoftmaxMax:
    for (unsigned i = 1; i < CONFIG_T::n_in; i++) {
        if (x[i] > top) top = x[i];
    }
    typename CONFIG_T::exp_t e[CONFIG_T::n_in];
#pragma HLS ARRAY_PARTITION variable = e complete
    typename CONFIG_T::sum_t sum = 0;
SoftmaxExp:
    for (unsigned i = 0; i < CONFIG_T::n_in; i++) {
        const typename CONFIG_T::diff_t d = top - x[i];  // exact, >= 0
        typename CONFIG_T::exp_index_t j = raw_bits(d) >> CONFIG_T::exp_shift;
        if (j > CONFIG_T::exp_table_size - 1) j = CONFIG_T::exp_table_size - 1;
        e[i] = from_raw<typename CONFIG_T::exp_t>(exp_table[j.to_uint()]);
        sum += e[i];
    }
    typename CONFIG_T::inv_index_t k = raw_bits(sum) >> CONFIG_T::inv_shift;
    if (k > CONFIG_T::inv_table_size - 1) k = CONFIG_T::inv_table_size - 1;
    const typename CONFIG_T::inv_t inverse = from_raw<typename CONFIG_T::inv_t>(inv_table[k.to_uint()]);
SoftmaxScale:
    for (unsigned i = 0; i < CONFIG_T::n_in; i++) {
        y[i] = res_T(e[i] * inverse);
    }
}

template <class data_T, class res_T, typename CONFIG_T>
void softmax(const data_T x[CONFIG_T::n_outer * CONFIG_T::n_in],
             res_T y[CONFIG_T::n_outer * CONFIG_T::n_in],
             const typename CONFIG_T::exp_store_t exp_table[CONFIG_T::exp_table_size],
             const typename CONFIG_T::inv_store_t inv_table[CONFIG_T::inv_table_size]) {
#pragma HLS PIPELINE II = CONFIG_T::reuse_factor
SoftmaxRows:
    for (unsigned r = 0; r < CONFIG_T::n_outer; r++) {
        data_T in[CONFIG_T::n_in];
        res_T out[CONFIG_T::n_in];
    SoftmaxLoad:
        for (unsigned i = 0; i < CONFIG_T::n_in; i++) in[i] = x[r * CONFIG_T::n_in + i];
        softmax_row<data_T, res_T, CONFIG_T>(in, out, exp_table, inv_table);
    SoftmaxStore:
        for (unsigned i = 0; i < CONFIG_T::n_in; i++) y[r * CONFIG_T::n_in + i] = out[i];
    }
}

template <class data_T, class res_T, typename CONFIG_T>
void softmax_stream(hls::stream<data_T>& x, hls::stream<res_T>& y,
                    const typename CONFIG_T::exp_store_t exp_table[CONFIG_T::exp_table_size],
                    const typename CONFIG_T::inv_store_t inv_table[CONFIG_T::inv_table_size]) {
SoftmaxStreamRows:
    for (unsigned r = 0; r < CONFIG_T::n_outer; r++) {
        data_T in[CONFIG_T::n_in];
        res_T out[CONFIG_T::n_in];
#pragma HLS ARRAY_PARTITION variable = in complete
#pragma HLS ARRAY_PARTITION variable = out complete
        read_array<CONFIG_T::n_in>(x, in);
        softmax_row<data_T, res_T, CONFIG_T>(in, out, exp_table, inv_table);
        write_array<CONFIG_T::n_in>(out, y);
    }
}

// The named entry points of the IR ops logistic, tanh, elu and hard_swish: one table kernel.
#define ES_HLS_TABLE_KERNEL(NAME)                                                              \
    template <class data_T, class res_T, typename CONFIG_T>                                    \
    void NAME(const data_T x[], res_T y[], const typename CONFIG_T::table_store_t table[]) {   \
        table_lookup<data_T, res_T, CONFIG_T>(x, y, table);                                    \
    }                                                                                          \
    template <class data_T, class res_T, typename CONFIG_T>                                    \
    void NAME##_stream(hls::stream<data_T>& x, hls::stream<res_T>& y,                          \
                       const typename CONFIG_T::table_store_t table[]) {                       \
        table_lookup_stream<data_T, res_T, CONFIG_T>(x, y, table);                             \
    }

ES_HLS_TABLE_KERNEL(logistic)
ES_HLS_TABLE_KERNEL(tanh)
ES_HLS_TABLE_KERNEL(elu)
ES_HLS_TABLE_KERNEL(hard_swish)
#undef ES_HLS_TABLE_KERNEL

}  // namespace es_hls

#endif  // ES_HLS_ACTIVATION_H_
