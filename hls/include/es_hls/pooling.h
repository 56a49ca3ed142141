// Max and average pooling over windows, and global pooling over the image.
//
// Cells in the padding are left out: a max takes the largest cell inside
// the image, an average divides by the number of cells inside. The average
// is the exact mean rounded once by the output type: the quotient is taken
// at one bit below the output LSB, plus a sticky bit that says whether the
// division left a remainder; casting that (which drops two bits) makes the
// same rounding decision as the exact fraction would. The config
// (es_hls::pooling2d_config) gives accum_t (holds a window's sum, or the
// activation bounds), div_t (the integer division) and mean_t (the
// quotient with its two extra bits).
#ifndef ES_HLS_POOLING_H_
#define ES_HLS_POOLING_H_

#include "es_hls/window.h"

namespace es_hls {

template <class res_T, typename CONFIG_T>
res_T average(typename CONFIG_T::accum_t sum, unsigned count) {
    clamp_activation<CONFIG_T::activation>(sum, count);
    typename CONFIG_T::div_t num = raw_bits(sum);
    typename CONFIG_T::div_t den = count;
    if (CONFIG_T::avg_shift >= 0) {
        num <<= CONFIG_T::avg_shift;
    } else {
        den <<= -CONFIG_T::avg_shift;
    }
    typename CONFIG_T::div_t quotient = num / den;  // truncated toward zero
    const bool inexact = quotient * den != num;
    if (inexact && num < 0) quotient -= 1;  // floor
    const typename CONFIG_T::div_t with_sticky = quotient * 2 + (inexact ? 1 : 0);
    return res_T(from_raw<typename CONFIG_T::mean_t>(with_sticky));
}

// A running sum (average) or maximum, chosen at compile time so that max
// pooling configs need no division types.
template <bool AVERAGE>
struct pool_kind;

template <>
struct pool_kind<true> {
    template <typename CONFIG_T, class data_T>
    static void add(typename CONFIG_T::accum_t& acc, const data_T& v, bool first) {
        if (first) acc = 0;
        acc += v;
    }
    template <class res_T, typename CONFIG_T>
    static res_T result(const typename CONFIG_T::accum_t& acc, unsigned count) {
        return average<res_T, CONFIG_T>(acc, count);
    }
};

template <>
struct pool_kind<false> {
    template <typename CONFIG_T, class data_T>
    static void add(typename CONFIG_T::accum_t& acc, const data_T& v, bool first) {
        if (first || v > acc) acc = v;
    }
    template <class res_T, typename CONFIG_T>
    static res_T result(const typename CONFIG_T::accum_t& acc, unsigned) {
        return finish<res_T, CONFIG_T::activation>(acc);
    }
};

template <typename CONFIG_T, class data_T>
inline void pool_add(typename CONFIG_T::accum_t& acc, const data_T& v, bool first) {
    pool_kind<CONFIG_T::average>::template add<CONFIG_T>(acc, v, first);
}

template <class res_T, typename CONFIG_T>
inline res_T pool_result(const typename CONFIG_T::accum_t& acc, unsigned count) {
    return pool_kind<CONFIG_T::average>::template result<res_T, CONFIG_T>(acc, count);
}

template <unsigned ROWS, class data_T, class res_T, typename CONFIG_T>
void pool_output_pixel(const data_T rows[ROWS * CONFIG_T::in_width * CONFIG_T::n_chan],
                       unsigned oy, unsigned ox, res_T out[CONFIG_T::n_chan]) {
#pragma HLS INLINE
    const unsigned taps = CONFIG_T::filt_height * CONFIG_T::filt_width;
    data_T win[taps * CONFIG_T::n_chan];
    bool valid[taps];
#pragma HLS ARRAY_PARTITION variable = win complete
#pragma HLS ARRAY_PARTITION variable = valid complete
    gather_window<ROWS, data_T, CONFIG_T>(rows, oy, ox, win, valid);
PoolChannels:
    for (unsigned c = 0; c < CONFIG_T::n_chan; c++) {
        typename CONFIG_T::accum_t acc = 0;
        unsigned count = 0;
    PoolTaps:
        for (unsigned t = 0; t < taps; t++) {
            if (!valid[t]) continue;
            pool_add<CONFIG_T>(acc, win[t * CONFIG_T::n_chan + c], count == 0);
            count++;
        }
        out[c] = pool_result<res_T, CONFIG_T>(acc, CONFIG_T::full_windows ? taps : count);
    }
}

template <class data_T, class res_T, typename CONFIG_T>
void pooling2d(const data_T x[CONFIG_T::in_height * CONFIG_T::in_width * CONFIG_T::n_chan],
               res_T y[CONFIG_T::out_height * CONFIG_T::out_width * CONFIG_T::n_chan]) {
PoolOutRows:
    for (unsigned oy = 0; oy < CONFIG_T::out_height; oy++) {
    PoolOutCols:
        for (unsigned ox = 0; ox < CONFIG_T::out_width; ox++) {
#pragma HLS PIPELINE II = CONFIG_T::reuse_factor
            res_T out[CONFIG_T::n_chan];
#pragma HLS ARRAY_PARTITION variable = out complete
            pool_output_pixel<CONFIG_T::in_height, data_T, res_T, CONFIG_T>(x, oy, ox, out);
        PoolStore:
            for (unsigned c = 0; c < CONFIG_T::n_chan; c++) {
                y[(oy * CONFIG_T::out_width + ox) * CONFIG_T::n_chan + c] = out[c];
            }
        }
    }
}

// io_stream, with the line buffer of conv2d_stream.
template <class data_T, class res_T, typename CONFIG_T>
void pooling2d_stream(hls::stream<data_T>& x, hls::stream<res_T>& y) {
    data_T rows[CONFIG_T::line_rows * CONFIG_T::in_width * CONFIG_T::n_chan];
    unsigned oy = 0;
PoolStreamIn:
    for (unsigned iy = 0; iy < CONFIG_T::in_height; iy++) {
        read_row<data_T, CONFIG_T>(x, rows, iy);
    PoolStreamOutRows:
        for (; oy < CONFIG_T::out_height && last_input_row<CONFIG_T>(oy) <= int(iy); oy++) {
        PoolStreamOutCols:
            for (unsigned ox = 0; ox < CONFIG_T::out_width; ox++) {
#pragma HLS PIPELINE II = CONFIG_T::reuse_factor
                res_T out[CONFIG_T::n_chan];
#pragma HLS ARRAY_PARTITION variable = out complete
                pool_output_pixel<CONFIG_T::line_rows, data_T, res_T, CONFIG_T>(rows, oy, ox, out);
                write_array<CONFIG_T::n_chan>(out, y);
            }
        }
    }
}

// One value per channel from the whole image (a window the size of the image).
template <class data_T, class res_T, typename CONFIG_T>
void global_pooling2d(const data_T x[CONFIG_T::in_height * CONFIG_T::in_width * CONFIG_T::n_chan],
                      res_T y[CONFIG_T::n_chan]) {
    const unsigned pixels = CONFIG_T::in_height * CONFIG_T::in_width;
GlobalPoolChannels:
    for (unsigned c = 0; c < CONFIG_T::n_chan; c++) {
        typename CONFIG_T::accum_t acc = 0;
    GlobalPoolPixels:
        for (unsigned p = 0; p < pixels; p++) {
#pragma HLS PIPELINE II = 1
            pool_add<CONFIG_T>(acc, x[p * CONFIG_T::n_chan + c], p == 0);
        }
        y[c] = pool_result<res_T, CONFIG_T>(acc, pixels);
    }
}

template <class data_T, class res_T, typename CONFIG_T>
void global_pooling2d_stream(hls::stream<data_T>& x, hls::stream<res_T>& y) {
    const unsigned pixels = CONFIG_T::in_height * CONFIG_T::in_width;
    typename CONFIG_T::accum_t acc[CONFIG_T::n_chan];
#pragma HLS ARRAY_PARTITION variable = acc complete
GlobalPoolStreamPixels:
    for (unsigned p = 0; p < pixels; p++) {
    GlobalPoolStreamChannels:
        for (unsigned c = 0; c < CONFIG_T::n_chan; c++) {
#pragma HLS PIPELINE II = 1
            pool_add<CONFIG_T>(acc[c], x.read(), p == 0);
        }
    }
GlobalPoolStreamResult:
    for (unsigned c = 0; c < CONFIG_T::n_chan; c++) y.write(pool_result<res_T, CONFIG_T>(acc[c], pixels));
}

}  // namespace es_hls

#endif  // ES_HLS_POOLING_H_
