// Moving tensors between hls::stream and arrays. Streams carry one value per
// element in NHWC (row-major) order, so a reshape is the same stream.
#ifndef ES_HLS_STREAM_H_
#define ES_HLS_STREAM_H_

#include "es_hls/common.h"

namespace es_hls {

template <unsigned N, class T>
void read_array(hls::stream<T>& in, T out[N]) {
ReadArray:
    for (unsigned i = 0; i < N; i++) {
#pragma HLS PIPELINE II = 1
        out[i] = in.read();
    }
}

template <unsigned N, class T>
void write_array(const T in[N], hls::stream<T>& out) {
WriteArray:
    for (unsigned i = 0; i < N; i++) {
#pragma HLS PIPELINE II = 1
        out.write(in[i]);
    }
}

// A stream read by two layers: DATAFLOW lets each stream have one reader.
template <unsigned N, class T>
void clone_stream(hls::stream<T>& in, hls::stream<T>& out_a, hls::stream<T>& out_b) {
CloneStream:
    for (unsigned i = 0; i < N; i++) {
#pragma HLS PIPELINE II = 1
        const T v = in.read();
        out_a.write(v);
        out_b.write(v);
    }
}

}  // namespace es_hls

#endif  // ES_HLS_STREAM_H_
