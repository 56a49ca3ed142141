// Pure data movement (transpose, slice, tile...): every such op is lowered offline to one
// strided walk (es_hls::gather_config), or to rows of consecutive elements
// (es_hls::gather_table) where its index map is no strided walk, padding included. In a
// walk, output element i, in row-major order over dim0..dim5, is input element
// offset + sum_k i_k * stride_k. Values move unchanged.
#ifndef ES_HLS_GATHER_H_
#define ES_HLS_GATHER_H_

#include "es_hls/stream.h"

namespace es_hls {

// The input element of output element i (the axes peeled innermost first).
template <typename CONFIG_T>
inline unsigned gather_index(unsigned i) {
    int at = CONFIG_T::offset;
    at += int(i % CONFIG_T::dim5) * CONFIG_T::stride5;
    i /= CONFIG_T::dim5;
    at += int(i % CONFIG_T::dim4) * CONFIG_T::stride4;
    i /= CONFIG_T::dim4;
    at += int(i % CONFIG_T::dim3) * CONFIG_T::stride3;
    i /= CONFIG_T::dim3;
    at += int(i % CONFIG_T::dim2) * CONFIG_T::stride2;
    i /= CONFIG_T::dim2;
    at += int(i % CONFIG_T::dim1) * CONFIG_T::stride1;
    i /= CONFIG_T::dim1;
    at += int(i) * CONFIG_T::stride0;
    return unsigned(at);
}

template <class data_T, class res_T, typename CONFIG_T>
void gather(const data_T x[CONFIG_T::n_in], res_T y[CONFIG_T::n_out]) {
Gather:
    for (unsigned i = 0; i < CONFIG_T::n_out; i++) {
#pragma HLS PIPELINE II = 1
        y[i] = x[gather_index<CONFIG_T>(i)];
    }
}

// A stream arrives in input order and leaves in output order: the whole input is held once.
template <class data_T, class res_T, typename CONFIG_T>
void gather_stream(hls::stream<data_T>& x, hls::stream<res_T>& y) {
    data_T held[CONFIG_T::n_in];
GatherStreamIn:
    for (unsigned i = 0; i < CONFIG_T::n_in; i++) {
#pragma HLS PIPELINE II = 1
        held[i] = x.read();
    }
GatherStreamOut:
    for (unsigned i = 0; i < CONFIG_T::n_out; i++) {
#pragma HLS PIPELINE II = 1
        y.write(held[gather_index<CONFIG_T>(i)]);
    }
}

// A row gather (es_hls::gather_table_config): output row r holds the run elements from
// input element offsets[r] on, or zeros where offsets[r] is negative (padding). The
// generator derives the offsets offline for index maps that are no strided walk.
template <class data_T, class res_T, typename CONFIG_T>
inline res_T row_element(const data_T x[CONFIG_T::n_in], int offset, unsigned k) {
    if (offset < 0) return res_T(0);
    return x[unsigned(offset) + k];
}

template <class data_T, class res_T, typename CONFIG_T>
void gather_table(const data_T x[CONFIG_T::n_in], res_T y[CONFIG_T::n_rows * CONFIG_T::run],
                  const typename CONFIG_T::offset_t offsets[CONFIG_T::n_rows]) {
GatherTableRows:
    for (unsigned r = 0; r < CONFIG_T::n_rows; r++) {
    GatherTableRun:
        for (unsigned k = 0; k < CONFIG_T::run; k++) {
#pragma HLS PIPELINE II = 1
            y[r * CONFIG_T::run + k] =
                row_element<data_T, res_T, CONFIG_T>(x, offsets[r].to_int(), k);
        }
    }
}

template <class data_T, class res_T, typename CONFIG_T>
void gather_table_stream(hls::stream<data_T>& x, hls::stream<res_T>& y,
                         const typename CONFIG_T::offset_t offsets[CONFIG_T::n_rows]) {
    data_T held[CONFIG_T::n_in];
    read_array<CONFIG_T::n_in>(x, held);
GatherTableStreamRows:
    for (unsigned r = 0; r < CONFIG_T::n_rows; r++) {
    GatherTableStreamRun:
        for (unsigned k = 0; k < CONFIG_T::run; k++) {
#pragma HLS PIPELINE II = 1
            y.write(row_element<data_T, res_T, CONFIG_T>(held, offsets[r].to_int(), k));
        }
    }
}

}  // namespace es_hls

#endif  // ES_HLS_GATHER_H_
