// Pure data movement (transpose, slice, tile...): every such op is lowered offline to one
// strided walk (es_hls::gather_config). Output element i, in row-major order over
// dim0..dim5, is input element offset + sum_k i_k * stride_k. Values move unchanged.
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

}  // namespace es_hls

#endif  // ES_HLS_GATHER_H_
