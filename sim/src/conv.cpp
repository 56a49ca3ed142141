// conv2d and depthwise_conv2d on int8 NHWC batches, per-channel requantized.
//
// The arithmetic is that of TFLite's reference integer kernels: int32
// accumulation of weight * (input + input_offset) over the taps inside the
// image (padding contributes nothing), plus the int32 bias, then the
// double-rounding requantization of requant.h, the output zero point and
// the activation clamp.
#include <algorithm>
#include <optional>
#include <vector>

#include "es_sim/bindings.h"
#include "es_sim/dot.h"
#include "es_sim/ndarray.h"
#include "es_sim/requant.h"
#include "es_sim/window.h"

namespace es_sim {

namespace {

const int32_t* bias_data(const std::optional<ArrayI32>& bias, py::ssize_t channels) {
    if (!bias) return nullptr;
    require_size(*bias, channels, "bias");
    return bias->data();
}

ArrayI8 conv2d_s8(const ArrayI8& x, const ArrayI8& weights, const std::optional<ArrayI32>& bias,
                  std::array<int, 2> stride, std::array<int, 2> dilation, std::array<int, 4> pads,
                  int32_t input_offset, int32_t output_offset, const ArrayI32& multiplier,
                  const ArrayI32& shift, int32_t act_min, int32_t act_max) {
    require_rank(x, 4, "conv2d input");
    require_rank(weights, 4, "conv2d weights");
    check_activation_range(act_min, act_max);
    check_input_offset(input_offset);
    const int n = x.shape(0), in_h = x.shape(1), in_w = x.shape(2), in_c = x.shape(3);
    const int out_c = weights.shape(0), k_h = weights.shape(1), k_w = weights.shape(2);
    if (weights.shape(3) != in_c) throw py::value_error("weights [O,KH,KW,I] do not match input");
    const Window win = Window::from(stride, dilation, pads, k_h, k_w);
    const int out_h = win.out_h(in_h), out_w = win.out_w(in_w);
    const ChannelRequant requant(multiplier, shift, out_c);
    const int32_t* b = bias_data(bias, out_c);

    ArrayI8 out({n, out_h, out_w, out_c});
    const int8_t* src = x.data();
    const int8_t* w = weights.data();
    int8_t* dst = out.mutable_data();
    {
        py::gil_scoped_release release;
        const int depth = k_h * k_w * in_c;  // one weight row [KH, KW, I]
        std::vector<int16_t> image(static_cast<size_t>(in_h) * in_w * in_c);
        // The taps of one output pixel, (input + input_offset); taps outside the
        // image stay 0 so that they add nothing, as the reference skips them.
        std::vector<int16_t> patch(depth);
        for (int s = 0; s < n; ++s) {
            widen_with_offset(image.data(), src + static_cast<py::ssize_t>(s) * image.size(),
                              input_offset, static_cast<int>(image.size()));
            for (int oy = 0; oy < out_h; ++oy) {
                const int y0 = oy * win.stride_h - win.pad_top;
                for (int ox = 0; ox < out_w; ++ox) {
                    const int x0 = ox * win.stride_w - win.pad_left;
                    std::fill(patch.begin(), patch.end(), 0);
                    for (int ky = 0; ky < k_h; ++ky) {
                        const int iy = y0 + ky * win.dilation_h;
                        if (iy < 0 || iy >= in_h) continue;
                        for (int kx = 0; kx < k_w; ++kx) {
                            const int ix = x0 + kx * win.dilation_w;
                            if (ix < 0 || ix >= in_w) continue;
                            std::copy_n(image.data() + (static_cast<size_t>(iy) * in_w + ix) * in_c,
                                        in_c, patch.data() + (ky * k_w + kx) * in_c);
                        }
                    }
                    for (int oc = 0; oc < out_c; ++oc) {
                        int32_t acc = dot_s8_s16(w + static_cast<py::ssize_t>(oc) * depth,
                                                 patch.data(), depth);
                        if (b) acc += b[oc];
                        acc = multiply_by_quantized_multiplier(acc, requant.mult_of(oc),
                                                               requant.shift_of(oc));
                        *dst++ = clamp_to_s8(acc + output_offset, act_min, act_max);
                    }
                }
            }
        }
    }
    return out;
}

ArrayI8 depthwise_conv2d_s8(const ArrayI8& x, const ArrayI8& weights,
                            const std::optional<ArrayI32>& bias, std::array<int, 2> stride,
                            std::array<int, 2> dilation, std::array<int, 4> pads,
                            int depth_multiplier, int32_t input_offset, int32_t output_offset,
                            const ArrayI32& multiplier, const ArrayI32& shift, int32_t act_min,
                            int32_t act_max) {
    require_rank(x, 4, "depthwise input");
    require_rank(weights, 4, "depthwise weights");
    check_activation_range(act_min, act_max);
    check_input_offset(input_offset);
    const int n = x.shape(0), in_h = x.shape(1), in_w = x.shape(2), in_c = x.shape(3);
    const int k_h = weights.shape(1), k_w = weights.shape(2), out_c = weights.shape(3);
    if (weights.shape(0) != 1 || depth_multiplier < 1 || out_c != in_c * depth_multiplier) {
        throw py::value_error("depthwise weights must be [1, KH, KW, C * depth_multiplier]");
    }
    const Window win = Window::from(stride, dilation, pads, k_h, k_w);
    const int out_h = win.out_h(in_h), out_w = win.out_w(in_w);
    const ChannelRequant requant(multiplier, shift, out_c);
    const int32_t* b = bias_data(bias, out_c);

    ArrayI8 out({n, out_h, out_w, out_c});
    const int8_t* src = x.data();
    const int8_t* w = weights.data();
    int8_t* dst = out.mutable_data();
    {
        py::gil_scoped_release release;
        // The input with each channel repeated depth_multiplier times, plus the
        // offset, so output channel oc = c * M + m lines up with input channel c.
        std::vector<int16_t> image(static_cast<size_t>(in_h) * in_w * out_c);
        std::vector<int32_t> acc(out_c);
        for (int s = 0; s < n; ++s) {
            const int8_t* sample = src + static_cast<py::ssize_t>(s) * in_h * in_w * in_c;
            for (size_t i = 0; i < image.size(); ++i) {
                image[i] = static_cast<int16_t>(sample[i / depth_multiplier] + input_offset);
            }
            for (int oy = 0; oy < out_h; ++oy) {
                const int y0 = oy * win.stride_h - win.pad_top;
                for (int ox = 0; ox < out_w; ++ox) {
                    const int x0 = ox * win.stride_w - win.pad_left;
                    std::fill(acc.begin(), acc.end(), 0);
                    for (int ky = 0; ky < k_h; ++ky) {
                        const int iy = y0 + ky * win.dilation_h;
                        if (iy < 0 || iy >= in_h) continue;
                        for (int kx = 0; kx < k_w; ++kx) {
                            const int ix = x0 + kx * win.dilation_w;
                            if (ix < 0 || ix >= in_w) continue;
                            multiply_accumulate_s8_s16(
                                acc.data(), w + (static_cast<py::ssize_t>(ky) * k_w + kx) * out_c,
                                image.data() + (static_cast<size_t>(iy) * in_w + ix) * out_c,
                                out_c);
                        }
                    }
                    for (int oc = 0; oc < out_c; ++oc) {
                        int32_t value = acc[oc] + (b ? b[oc] : 0);
                        value = multiply_by_quantized_multiplier(value, requant.mult_of(oc),
                                                                 requant.shift_of(oc));
                        *dst++ = clamp_to_s8(value + output_offset, act_min, act_max);
                    }
                }
            }
        }
    }
    return out;
}

}  // namespace

void register_conv(py::module_& m) {
    m.def("conv2d_s8", &conv2d_s8, py::arg("x"), py::arg("weights"), py::arg("bias"),
          py::arg("stride"), py::arg("dilation"), py::arg("pads"), py::arg("input_offset"),
          py::arg("output_offset"), py::arg("multiplier"), py::arg("shift"), py::arg("act_min"),
          py::arg("act_max"),
          "int8 NHWC conv2d over a batch; weights OHWI, pads (top, bottom, left, right).");
    m.def("depthwise_conv2d_s8", &depthwise_conv2d_s8, py::arg("x"), py::arg("weights"),
          py::arg("bias"), py::arg("stride"), py::arg("dilation"), py::arg("pads"),
          py::arg("depth_multiplier"), py::arg("input_offset"), py::arg("output_offset"),
          py::arg("multiplier"), py::arg("shift"), py::arg("act_min"), py::arg("act_max"),
          "int8 NHWC depthwise conv2d over a batch; weights [1, KH, KW, C*M].");
}

}  // namespace es_sim
