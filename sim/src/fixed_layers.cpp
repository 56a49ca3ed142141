// Fixed-point dense, conv2d, depthwise conv2d and pooling bindings.
//
// The MAC layers sum exact products and quantize once (fixed_layers.h). The
// average pool quantizes the exact mean sum / count: the remainder of the
// division decides the rounding as the dropped bits do in a cast. Only the
// window cells inside the image count, as in the int8 kernels.
#include "es_sim/fixed_layers.h"

#include <algorithm>

#include "es_sim/bindings.h"

namespace es_sim {
namespace fx {

std::array<py::ssize_t, 4> check_conv_shapes(const ArrayI32& x, const py::array& weights,
                                             bool depthwise, int depth_multiplier) {
    require_rank(x, 4, "conv input");
    require_rank(weights, 4, "conv weights");
    const std::array<py::ssize_t, 4> w{weights.shape(0), weights.shape(1), weights.shape(2),
                                       weights.shape(3)};
    if (depthwise && (w[0] != 1 || w[3] != x.shape(3) * depth_multiplier)) {
        throw py::value_error("depthwise weights must be [1, KH, KW, C * depth_multiplier]");
    }
    if (!depthwise && w[3] != x.shape(3)) {
        throw py::value_error("conv2d weights [O, KH, KW, I] do not match the input channels");
    }
    return w;
}

namespace {

enum class PoolKind { kAverage, kMax };

template <PoolKind kind>
ArrayI32 fixed_pool2d(const ArrayI32& x, std::array<int, 2> kernel, std::array<int, 2> stride,
                      std::array<int, 4> pads, const FixedType& tx, const FixedType& out,
                      const std::string& activation) {
    require_rank(x, 4, "pooling input");
    check_tensor_type(out, "output");
    check_raw(x.data(), x.size(), tx, "x");
    const Activation act = parse_activation(activation);
    // values are taken at `frac`; the mean's division is by count * 2^shift
    const int frac = std::max(tx.frac_bits(), activation_frac(act));
    const int shift = frac - out.frac_bits();
    if (kind == PoolKind::kMax) {
        const std::string refusal = cast_refusal(tx.width, tx.int_bits, tx.is_signed, out);
        if (!refusal.empty()) throw py::value_error(refusal);
    } else if (shift > 64 || shift < -64) {
        throw py::value_error("input and output binary points are more than 64 bits apart");
    }
    const int n = x.shape(0), in_h = x.shape(1), in_w = x.shape(2), channels = x.shape(3);
    const Window win = Window::from(stride, {1, 1}, pads, kernel[0], kernel[1]);
    const int out_h = win.out_h(in_h), out_w = win.out_w(in_w);
    ArrayI32 result({n, out_h, out_w, channels});
    const int32_t* src = x.data();
    int32_t* dst = result.mutable_data();
    py::gil_scoped_release release;
    for (int s = 0; s < n; ++s) {
        const int32_t* image = src + static_cast<py::ssize_t>(s) * in_h * in_w * channels;
        for (int oy = 0; oy < out_h; ++oy) {
            const int y0 = oy * win.stride_h - win.pad_top;
            const int ky_begin = std::max(0, -y0), ky_end = std::min(win.kernel_h, in_h - y0);
            for (int ox = 0; ox < out_w; ++ox) {
                const int x0 = ox * win.stride_w - win.pad_left;
                const int kx_begin = std::max(0, -x0), kx_end = std::min(win.kernel_w, in_w - x0);
                const int count = (ky_end - ky_begin) * (kx_end - kx_begin);
                if (count <= 0) throw std::runtime_error("pooling window sees no input");
                for (int c = 0; c < channels; ++c) {
                    wide_t acc = kind == PoolKind::kAverage ? 0 : tx.min_raw();
                    for (int ky = ky_begin; ky < ky_end; ++ky) {
                        for (int kx = kx_begin; kx < kx_end; ++kx) {
                            const wide_t v =
                                image[((y0 + ky) * static_cast<py::ssize_t>(in_w) + x0 + kx) *
                                          channels +
                                      c];
                            acc = kind == PoolKind::kAverage ? acc + v : std::max(acc, v);
                        }
                    }
                    acc <<= frac - tx.frac_bits();
                    if (kind == PoolKind::kMax) {
                        *dst++ =
                            static_cast<int32_t>(cast(apply_activation(acc, frac, act), frac, out));
                        continue;
                    }
                    // mean = acc / count at `frac`; at the output LSB, a quotient
                    wide_t num = apply_activation(acc, frac, act, count), den = count;
                    if (shift >= 0)
                        den <<= shift;
                    else
                        num <<= -shift;
                    *dst++ = static_cast<int32_t>(cast_quotient(num, den, out));
                }
            }
        }
    }
    return result;
}

MacArgs mac_args(std::optional<ArrayI32> bias, std::optional<FixedType> bias_type,
                 const FixedType& x_type, const FixedType& out, std::string activation) {
    return MacArgs{std::move(bias), std::move(bias_type), x_type, out, std::move(activation)};
}

ArrayI32 fixed_dense(const ArrayI32& x, const ArrayI32& weights, std::optional<ArrayI32> bias,
                     const FixedType& x_type, const FixedType& w_type,
                     std::optional<FixedType> bias_type, const FixedType& out,
                     std::string activation) {
    require_rank(weights, 2, "dense weights");
    check_raw(weights.data(), weights.size(), w_type, "weights");
    const FixedWeights w{weights.data(), w_type};
    return dense_layer(
        x, w, weights.shape(0), weights.shape(1),
        mac_args(std::move(bias), std::move(bias_type), x_type, out, std::move(activation)));
}

ArrayI32 fixed_conv(const ArrayI32& x, const ArrayI32& weights, std::optional<ArrayI32> bias,
                    std::array<int, 2> stride, std::array<int, 2> dilation, std::array<int, 4> pads,
                    int depth_multiplier, const FixedType& x_type, const FixedType& w_type,
                    std::optional<FixedType> bias_type, const FixedType& out,
                    std::string activation) {
    require_rank(weights, 4, "conv weights");
    check_raw(weights.data(), weights.size(), w_type, "weights");
    const Window win = Window::from(stride, dilation, pads, weights.shape(1), weights.shape(2));
    const FixedWeights w{weights.data(), w_type};
    return conv_layer(
        x, w, weights, win, depth_multiplier,
        mac_args(std::move(bias), std::move(bias_type), x_type, out, std::move(activation)));
}

}  // namespace
}  // namespace fx

void register_fixed_layers(py::module_& m) {
    m.def("fully_connected_fx", &fx::fixed_dense, py::arg("x"), py::arg("weights"), py::arg("bias"),
          py::arg("x_type"), py::arg("w_type"), py::arg("bias_type"), py::arg("out"),
          py::arg("activation") = "none",
          "Fixed-point dense layer [N, K] x [O, K]: exact sum, one cast into `out`.");
    // conv2d and depthwise_conv2d: one kernel (depth_multiplier 0 is a full convolution)
    for (const char *name : {"conv2d_fx", "depthwise_conv2d_fx"}) {
        m.def(name, &fx::fixed_conv, py::arg("x"), py::arg("weights"), py::arg("bias"),
              py::arg("stride"), py::arg("dilation"), py::arg("pads"), py::arg("depth_multiplier"),
              py::arg("x_type"), py::arg("w_type"), py::arg("bias_type"), py::arg("out"),
              py::arg("activation") = "none",
              "Fixed-point NHWC conv2d (OHWI weights), or depthwise conv2d when "
              "depth_multiplier > 0 (weights [1, KH, KW, C*M]).");
    }
    m.def("avg_pool2d_fx", &fx::fixed_pool2d<fx::PoolKind::kAverage>, py::arg("x"),
          py::arg("kernel"), py::arg("stride"), py::arg("pads"), py::arg("x_type"), py::arg("out"),
          py::arg("activation") = "none",
          "Fixed-point average pooling: the exact mean of the cells inside the image, "
          "quantized once.");
    m.def("max_pool2d_fx", &fx::fixed_pool2d<fx::PoolKind::kMax>, py::arg("x"),
          py::arg("kernel"), py::arg("stride"), py::arg("pads"), py::arg("x_type"), py::arg("out"),
          py::arg("activation") = "none", "Fixed-point max pooling, cast into `out`.");
}

}  // namespace es_sim
