// Sliding windows over NHWC images, for conv and pooling, from a whole image
// (io_parallel) or from a line buffer of the last `line_rows` input rows
// (io_stream). Both keep rows in a flat array and find row iy at
// iy % ROWS, so one gather serves both (ROWS = in_height for a whole image).
#ifndef ES_HLS_WINDOW_H_
#define ES_HLS_WINDOW_H_

#include "es_hls/stream.h"

namespace es_hls {

// Input coordinates of tap (ky, kx) of output pixel (oy, ox); false when the
// tap falls in the padding (it then adds nothing and counts for nothing).
template <typename CONFIG_T>
inline bool tap_position(unsigned oy, unsigned ox, unsigned ky, unsigned kx, int& iy, int& ix) {
    iy = int(oy * CONFIG_T::stride_height + ky * CONFIG_T::dilation_height) - int(CONFIG_T::pad_top);
    ix = int(ox * CONFIG_T::stride_width + kx * CONFIG_T::dilation_width) - int(CONFIG_T::pad_left);
    return iy >= 0 && iy < int(CONFIG_T::in_height) && ix >= 0 && ix < int(CONFIG_T::in_width);
}

// The last input row the windows of output row oy read (negative if none).
template <typename CONFIG_T>
inline int last_input_row(unsigned oy) {
    const int last = int(oy * CONFIG_T::stride_height +
                         (CONFIG_T::filt_height - 1) * CONFIG_T::dilation_height) -
                     int(CONFIG_T::pad_top);
    return last < int(CONFIG_T::in_height) ? last : int(CONFIG_T::in_height) - 1;
}

// The window of output pixel (oy, ox): taps x channels, zero in the padding.
template <unsigned ROWS, class data_T, typename CONFIG_T>
void gather_window(const data_T rows[ROWS * CONFIG_T::in_width * CONFIG_T::n_chan],
                   unsigned oy, unsigned ox,
                   data_T win[CONFIG_T::filt_height * CONFIG_T::filt_width * CONFIG_T::n_chan],
                   bool valid[CONFIG_T::filt_height * CONFIG_T::filt_width]) {
#pragma HLS INLINE
WindowRows:
    for (unsigned ky = 0; ky < CONFIG_T::filt_height; ky++) {
    WindowCols:
        for (unsigned kx = 0; kx < CONFIG_T::filt_width; kx++) {
            const unsigned tap = ky * CONFIG_T::filt_width + kx;
            int iy, ix;
            valid[tap] = tap_position<CONFIG_T>(oy, ox, ky, kx, iy, ix);
            const unsigned pixel = valid[tap] ? (unsigned(iy) % ROWS) * CONFIG_T::in_width + ix : 0;
        WindowChannels:
            for (unsigned c = 0; c < CONFIG_T::n_chan; c++) {
                win[tap * CONFIG_T::n_chan + c] =
                    valid[tap] ? rows[pixel * CONFIG_T::n_chan + c] : data_T(0);
            }
        }
    }
}

// Read input row iy from the stream into its place in the line buffer.
template <class data_T, typename CONFIG_T>
void read_row(hls::stream<data_T>& x,
              data_T rows[CONFIG_T::line_rows * CONFIG_T::in_width * CONFIG_T::n_chan],
              unsigned iy) {
    const unsigned base = (iy % CONFIG_T::line_rows) * CONFIG_T::in_width * CONFIG_T::n_chan;
ReadRow:
    for (unsigned i = 0; i < CONFIG_T::in_width * CONFIG_T::n_chan; i++) {
#pragma HLS PIPELINE II = 1
        rows[base + i] = x.read();
    }
}

}  // namespace es_hls

#endif  // ES_HLS_WINDOW_H_
