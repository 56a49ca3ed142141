// Dense (fully connected) layer: y = act(W x + b), weights [n_out, n_in].
//
// The config (es_hls::dense_config) also gives weight_t, weight_store_t,
// bias_t, bias_store_t, product_t, accum_t, multiplier (multiplier.h) and
// weight_partition (how many weights are read in one cycle when the layer
// is pipelined with II = reuse_factor).
#ifndef ES_HLS_DENSE_H_
#define ES_HLS_DENSE_H_

#include "es_hls/multiplier.h"
#include "es_hls/stream.h"

namespace es_hls {

template <class data_T, class res_T, typename CONFIG_T>
void dense(const data_T x[CONFIG_T::n_in], res_T y[CONFIG_T::n_out],
           const typename CONFIG_T::weight_store_t weights[CONFIG_T::n_in * CONFIG_T::n_out],
           const typename CONFIG_T::bias_store_t biases[CONFIG_T::n_out]) {
#pragma HLS PIPELINE II = CONFIG_T::reuse_factor
#pragma HLS ARRAY_PARTITION variable = x complete
#pragma HLS ARRAY_PARTITION variable = y complete
#pragma HLS ARRAY_PARTITION variable = weights cyclic factor = CONFIG_T::weight_partition
#pragma HLS ALLOCATION operation instances = mul limit = CONFIG_T::multiplier_limit
DenseOutput:
    for (unsigned o = 0; o < CONFIG_T::n_out; o++) {
        typename CONFIG_T::accum_t acc = bias_value<CONFIG_T>(biases[o]);
    DenseTerm:
        for (unsigned k = 0; k < CONFIG_T::n_in; k++) {
            acc += mac_term<CONFIG_T>(x[k], weights[o * CONFIG_T::n_in + k]);
        }
        y[o] = finish<res_T, CONFIG_T::activation>(acc);
    }
}

template <class data_T, class res_T, typename CONFIG_T>
void dense_stream(hls::stream<data_T>& x, hls::stream<res_T>& y,
                  const typename CONFIG_T::weight_store_t weights[CONFIG_T::n_in * CONFIG_T::n_out],
                  const typename CONFIG_T::bias_store_t biases[CONFIG_T::n_out]) {
    data_T in[CONFIG_T::n_in];
    res_T out[CONFIG_T::n_out];
#pragma HLS ARRAY_PARTITION variable = in complete
#pragma HLS ARRAY_PARTITION variable = out complete
    read_array<CONFIG_T::n_in>(x, in);
    dense<data_T, res_T, CONFIG_T>(in, out, weights, biases);
    write_array<CONFIG_T::n_out>(out, y);
}

}  // namespace es_hls

#endif  // ES_HLS_DENSE_H_
