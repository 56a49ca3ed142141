// conv2d, depthwise conv2d and conv1d over NHWC images.
//
// One pixel computation serves all three: conv2d weights are OHWI (filter f
// reads taps x channels in window order), depthwise weights are
// [1, KH, KW, C*M] (output channel o reads input channel o / M of each tap),
// conv1d is conv2d with heights of 1. The config (es_hls::conv2d_config)
// also gives the MAC types of dense.h (weight_t ... multiplier) and
// weight_partition.
#ifndef ES_HLS_CONV_H_
#define ES_HLS_CONV_H_

#include "es_hls/multiplier.h"
#include "es_hls/window.h"

namespace es_hls {

template <typename CONFIG_T>
struct conv_sizes {
    static const unsigned taps = CONFIG_T::filt_height * CONFIG_T::filt_width;
    static const unsigned window = taps * CONFIG_T::n_chan;
    static const unsigned n_out = CONFIG_T::depth_multiplier > 0
                                      ? CONFIG_T::n_chan * CONFIG_T::depth_multiplier
                                      : CONFIG_T::n_filt;
    static const unsigned weights = CONFIG_T::depth_multiplier > 0 ? taps * n_out : window * n_out;
};

// The outputs of one pixel from its window.
template <class data_T, class res_T, typename CONFIG_T>
void conv_pixel(const data_T win[conv_sizes<CONFIG_T>::window],
                res_T out[conv_sizes<CONFIG_T>::n_out],
                const typename CONFIG_T::weight_store_t weights[conv_sizes<CONFIG_T>::weights],
                const typename CONFIG_T::bias_store_t biases[conv_sizes<CONFIG_T>::n_out]) {
#pragma HLS INLINE
    typedef conv_sizes<CONFIG_T> size;
ConvFilters:
    for (unsigned f = 0; f < size::n_out; f++) {
        typename CONFIG_T::accum_t acc = bias_value<CONFIG_T>(biases[f]);
        if (CONFIG_T::depth_multiplier > 0) {
            const unsigned channel = f / (CONFIG_T::depth_multiplier > 0 ? CONFIG_T::depth_multiplier : 1);
        DepthwiseTaps:
            for (unsigned t = 0; t < size::taps; t++) {
                acc += mac_term<CONFIG_T>(win[t * CONFIG_T::n_chan + channel],
                                          weights[t * size::n_out + f]);
            }
        } else {
        ConvTaps:
            for (unsigned t = 0; t < size::window; t++) {
                acc += mac_term<CONFIG_T>(win[t], weights[f * size::window + t]);
            }
        }
        out[f] = finish<res_T, CONFIG_T::activation>(acc);
    }
}

// Gather the window of (oy, ox) from ROWS buffered rows and compute the pixel.
template <unsigned ROWS, class data_T, class res_T, typename CONFIG_T>
void conv_output_pixel(const data_T rows[ROWS * CONFIG_T::in_width * CONFIG_T::n_chan],
                       unsigned oy, unsigned ox, res_T out[conv_sizes<CONFIG_T>::n_out],
                       const typename CONFIG_T::weight_store_t weights[conv_sizes<CONFIG_T>::weights],
                       const typename CONFIG_T::bias_store_t biases[conv_sizes<CONFIG_T>::n_out]) {
#pragma HLS INLINE
    data_T win[conv_sizes<CONFIG_T>::window];
    bool valid[conv_sizes<CONFIG_T>::taps];
#pragma HLS ARRAY_PARTITION variable = win complete
#pragma HLS ARRAY_PARTITION variable = valid complete
    gather_window<ROWS, data_T, CONFIG_T>(rows, oy, ox, win, valid);
    conv_pixel<data_T, res_T, CONFIG_T>(win, out, weights, biases);
}

// io_parallel: the whole image in, the whole output out; one pixel every
// reuse_factor cycles.
template <class data_T, class res_T, typename CONFIG_T>
void conv2d(const data_T x[CONFIG_T::in_height * CONFIG_T::in_width * CONFIG_T::n_chan],
            res_T y[CONFIG_T::out_height * CONFIG_T::out_width * conv_sizes<CONFIG_T>::n_out],
            const typename CONFIG_T::weight_store_t weights[conv_sizes<CONFIG_T>::weights],
            const typename CONFIG_T::bias_store_t biases[conv_sizes<CONFIG_T>::n_out]) {
#pragma HLS ARRAY_PARTITION variable = weights cyclic factor = CONFIG_T::weight_partition
#pragma HLS ALLOCATION operation instances = mul limit = CONFIG_T::multiplier_limit
    const unsigned n_out = conv_sizes<CONFIG_T>::n_out;
ConvOutRows:
    for (unsigned oy = 0; oy < CONFIG_T::out_height; oy++) {
    ConvOutCols:
        for (unsigned ox = 0; ox < CONFIG_T::out_width; ox++) {
#pragma HLS PIPELINE II = CONFIG_T::reuse_factor
            res_T out[n_out];
#pragma HLS ARRAY_PARTITION variable = out complete
            conv_output_pixel<CONFIG_T::in_height, data_T, res_T, CONFIG_T>(x, oy, ox, out, weights,
                                                                           biases);
        ConvStore:
            for (unsigned f = 0; f < n_out; f++) y[(oy * CONFIG_T::out_width + ox) * n_out + f] = out[f];
        }
    }
}

// io_stream: pixels arrive in raster order; a line buffer keeps the rows a
// window spans, and each output row is computed as soon as its last input
// row is in.
template <class data_T, class res_T, typename CONFIG_T>
void conv2d_stream(hls::stream<data_T>& x, hls::stream<res_T>& y,
                   const typename CONFIG_T::weight_store_t weights[conv_sizes<CONFIG_T>::weights],
                   const typename CONFIG_T::bias_store_t biases[conv_sizes<CONFIG_T>::n_out]) {
#pragma HLS ARRAY_PARTITION variable = weights cyclic factor = CONFIG_T::weight_partition
#pragma HLS ALLOCATION operation instances = mul limit = CONFIG_T::multiplier_limit
    data_T rows[CONFIG_T::line_rows * CONFIG_T::in_width * CONFIG_T::n_chan];
    unsigned oy = 0;
ConvStreamIn:
    for (unsigned iy = 0; iy < CONFIG_T::in_height; iy++) {
        read_row<data_T, CONFIG_T>(x, rows, iy);
    ConvStreamOutRows:
        for (; oy < CONFIG_T::out_height && last_input_row<CONFIG_T>(oy) <= int(iy); oy++) {
        ConvStreamOutCols:
            for (unsigned ox = 0; ox < CONFIG_T::out_width; ox++) {
#pragma HLS PIPELINE II = CONFIG_T::reuse_factor
                res_T out[conv_sizes<CONFIG_T>::n_out];
#pragma HLS ARRAY_PARTITION variable = out complete
                conv_output_pixel<CONFIG_T::line_rows, data_T, res_T, CONFIG_T>(rows, oy, ox, out,
                                                                               weights, biases);
                write_array<conv_sizes<CONFIG_T>::n_out>(out, y);
            }
        }
    }
}

// The named entry points (one op, one name): the shared code above decides by
// the config's depth_multiplier and heights.
template <class data_T, class res_T, typename CONFIG_T>
void depthwise_conv2d(const data_T x[], res_T y[], const typename CONFIG_T::weight_store_t weights[],
                      const typename CONFIG_T::bias_store_t biases[]) {
    conv2d<data_T, res_T, CONFIG_T>(x, y, weights, biases);
}

template <class data_T, class res_T, typename CONFIG_T>
void depthwise_conv2d_stream(hls::stream<data_T>& x, hls::stream<res_T>& y,
                             const typename CONFIG_T::weight_store_t weights[],
                             const typename CONFIG_T::bias_store_t biases[]) {
    conv2d_stream<data_T, res_T, CONFIG_T>(x, y, weights, biases);
}

template <class data_T, class res_T, typename CONFIG_T>
void conv1d(const data_T x[], res_T y[], const typename CONFIG_T::weight_store_t weights[],
            const typename CONFIG_T::bias_store_t biases[]) {
    conv2d<data_T, res_T, CONFIG_T>(x, y, weights, biases);
}

template <class data_T, class res_T, typename CONFIG_T>
void conv1d_stream(hls::stream<data_T>& x, hls::stream<res_T>& y,
                   const typename CONFIG_T::weight_store_t weights[],
                   const typename CONFIG_T::bias_store_t biases[]) {
    conv2d_stream<data_T, res_T, CONFIG_T>(x, y, weights, biases);
}

}  // namespace es_hls

#endif  // ES_HLS_CONV_H_
