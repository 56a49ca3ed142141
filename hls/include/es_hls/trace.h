// C-simulation only (-DES_HLS_TRACE): the raw output of every layer, one
// line per layer and sample ("op_index count v0 v1 ..."), so that
// `edgesmith verify --target hls-csim` can name the first layer that differs
// from the simulator. Without ES_HLS_TRACE the macros expand to nothing and
// synthesis never sees this file's code.
#ifndef ES_HLS_TRACE_H_
#define ES_HLS_TRACE_H_

#ifdef ES_HLS_TRACE
#include <cstdio>

#include "es_hls/common.h"

namespace es_hls {

inline std::FILE*& trace_file() {
    static std::FILE* file = 0;
    return file;
}

template <unsigned N, class T>
void trace_array(int op_index, const T x[N]) {
    std::FILE* f = trace_file();
    if (!f) return;
    std::fprintf(f, "%d %u", op_index, N);
    for (unsigned i = 0; i < N; i++) std::fprintf(f, " %lld", (long long)raw_bits(x[i]).to_int64());
    std::fprintf(f, "\n");
}

// Read the stream's N values, record them and put them back (C-simulation
// runs the dataflow processes one after the other, so nobody else reads).
template <unsigned N, class T>
void trace_stream(int op_index, hls::stream<T>& s) {
    static T values[N];
    for (unsigned i = 0; i < N; i++) values[i] = s.read();
    trace_array<N>(op_index, values);
    for (unsigned i = 0; i < N; i++) s.write(values[i]);
}

}  // namespace es_hls

#define ES_HLS_TRACE_ARRAY(op_index, n, x) es_hls::trace_array<n>(op_index, x)
#define ES_HLS_TRACE_STREAM(op_index, n, s) es_hls::trace_stream<n>(op_index, s)
#else
#define ES_HLS_TRACE_ARRAY(op_index, n, x)
#define ES_HLS_TRACE_STREAM(op_index, n, s)
#endif

#endif  // ES_HLS_TRACE_H_
