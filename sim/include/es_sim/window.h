// Sliding-window geometry shared by convolution and pooling kernels.
#pragma once
#include <pybind11/pybind11.h>

#include <array>

namespace es_sim {

// Strides, dilations and explicit padding of a 2-D window over NHWC input.
// Only the top and left pads move the window; the bottom and right pads only
// decide how many output rows and columns there are.
struct Window {
    int stride_h, stride_w, dilation_h, dilation_w;
    int pad_top, pad_bottom, pad_left, pad_right;
    int kernel_h, kernel_w;

    static Window from(const std::array<int, 2>& stride, const std::array<int, 2>& dilation,
                       const std::array<int, 4>& pads, int kernel_h, int kernel_w) {
        Window w{stride[0], stride[1], dilation[0], dilation[1], pads[0],
                 pads[1],   pads[2],   pads[3],     kernel_h,    kernel_w};
        if (w.stride_h < 1 || w.stride_w < 1 || w.dilation_h < 1 || w.dilation_w < 1) {
            throw pybind11::value_error("strides and dilations must be >= 1");
        }
        if (kernel_h < 1 || kernel_w < 1) {
            throw pybind11::value_error("window must be at least 1x1");
        }
        return w;
    }

    int out_size(int in, int kernel, int stride, int dilation, int pad_a, int pad_b) const {
        const int effective = (kernel - 1) * dilation + 1;
        const int out = (in + pad_a + pad_b - effective) / stride + 1;
        if (out < 1) {
            throw pybind11::value_error("window larger than the padded input");
        }
        return out;
    }
    int out_h(int in_h) const {
        return out_size(in_h, kernel_h, stride_h, dilation_h, pad_top, pad_bottom);
    }
    int out_w(int in_w) const {
        return out_size(in_w, kernel_w, stride_w, dilation_w, pad_left, pad_right);
    }
};

}  // namespace es_sim
