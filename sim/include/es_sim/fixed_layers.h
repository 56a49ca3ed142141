// Dense, conv2d and depthwise conv2d on fixed-point tensors, written once for
// any kind of weight (fixed-point raw integers, power-of-two codes).
//
// Every product and sum is exact: products are taken in 128 bits at the
// binary point product_frac = x_frac + w_frac, summed, aligned with the bias
// at acc_frac = max(product_frac, bias_frac), clamped by the fused activation
// and quantized once into the output type with its Q and O modes. An HLS
// kernel does the same with an accumulator type wide enough to hold the sum.
#pragma once
#include <algorithm>
#include <array>
#include <optional>
#include <string>

#include "es_sim/fixed.h"
#include "es_sim/ndarray.h"
#include "es_sim/window.h"

namespace es_sim {
namespace fx {

enum class Activation { kNone, kRelu, kRelu6, kReluN1To1 };

Activation parse_activation(const std::string& name);
Rounding parse_rounding(const std::string& name);
Overflow parse_overflow(const std::string& name);

// Raise ValueError unless every raw value lies in the range of `t`.
void check_raw(const int32_t* raw, py::ssize_t n, const FixedType& t, const char* what);
// Raise ValueError for an output type wider than the int32 storage of tensors.
void check_tensor_type(const FixedType& t, const char* what);
// Raise ValueError for a cast the ap_types headers abort on (cast_refusal).
void check_cast(const FixedType& source, const FixedType& target);

// The exact value acc / scale (acc_frac fractional bits, scale > 0) clamped
// by `act`, as a numerator over the same scale; acc_frac must be at least
// activation_frac(act) so that the bounds are integers.
wide_t apply_activation(wide_t acc, int acc_frac, Activation act, wide_t scale = 1);
// Fewest fractional bits at which the activation bounds (1, 6) are exact.
int activation_frac(Activation act);

// Bias, activation and the single quantization at the end of a MAC layer.
class OutputStage {
   public:
    // terms: products summed per output; product_bits: bound on log2 |product|.
    OutputStage(const std::optional<ArrayI32>& bias, const std::optional<FixedType>& bias_type,
                py::ssize_t channels, int product_frac, int product_bits, py::ssize_t terms,
                const std::string& activation, const FixedType& out);

    int32_t finish(wide_t sum, py::ssize_t channel) const {
        wide_t acc = sum << (acc_frac_ - product_frac_);
        if (bias_) acc += static_cast<wide_t>(bias_[channel]) << (acc_frac_ - bias_frac_);
        return static_cast<int32_t>(cast(apply_activation(acc, acc_frac_, act_), acc_frac_, out_));
    }

   private:
    const int32_t* bias_ = nullptr;
    int bias_frac_ = 0, product_frac_, acc_frac_;
    Activation act_;
    FixedType out_;
};

// Weights as raw fixed-point integers: the product is x * w.
struct FixedWeights {
    const int32_t* raw;
    FixedType type;
    int frac() const { return type.frac_bits(); }
    int product_bits(int x_width) const { return x_width + type.width; }
    wide_t product(int32_t x, py::ssize_t i) const {
        return static_cast<wide_t>(static_cast<int64_t>(x) * raw[i]);
    }
};

// What every MAC layer takes besides its input and weights.
struct MacArgs {
    std::optional<ArrayI32> bias;
    std::optional<FixedType> bias_type;
    FixedType x_type;
    FixedType out;
    std::string activation;
};

template <class Weights>
OutputStage make_stage(const ArrayI32& x, const Weights& w, py::ssize_t channels, py::ssize_t terms,
                       const MacArgs& a) {
    check_raw(x.data(), x.size(), a.x_type, "x");
    return OutputStage(a.bias, a.bias_type, channels, a.x_type.frac_bits() + w.frac(),
                       w.product_bits(a.x_type.width), terms, a.activation, a.out);
}

// x [N, K], weights [O, K].
template <class Weights>
ArrayI32 dense_layer(const ArrayI32& x, const Weights& w, py::ssize_t out_c, py::ssize_t depth,
                     const MacArgs& a) {
    if (x.ndim() != 2 || x.shape(1) != depth) {
        throw py::value_error("dense input must be [N, " + std::to_string(depth) + "]");
    }
    const OutputStage stage = make_stage(x, w, out_c, depth, a);
    const py::ssize_t rows = x.shape(0);
    ArrayI32 out({rows, out_c});
    const int32_t* src = x.data();
    int32_t* dst = out.mutable_data();
    py::gil_scoped_release release;
    for (py::ssize_t r = 0; r < rows; ++r) {
        const int32_t* row = src + r * depth;
        for (py::ssize_t oc = 0; oc < out_c; ++oc) {
            wide_t sum = 0;
            for (py::ssize_t k = 0; k < depth; ++k) sum += w.product(row[k], oc * depth + k);
            *dst++ = stage.finish(sum, oc);
        }
    }
    return out;
}

// Shape of the weights of conv2d (OHWI) or depthwise conv2d ([1, KH, KW, C*M])
// after checking them against the NHWC input.
std::array<py::ssize_t, 4> check_conv_shapes(const ArrayI32& x, const py::array& weights,
                                             bool depthwise, int depth_multiplier);

// conv2d (depth_multiplier 0) or depthwise conv2d over NHWC input.
template <class Weights>
ArrayI32 conv_layer(const ArrayI32& x, const Weights& w, const py::array& weights,
                    const Window& win, int depth_multiplier, const MacArgs& a) {
    const bool depthwise = depth_multiplier > 0;
    const auto [o, k_h, k_w, i] = check_conv_shapes(x, weights, depthwise, depth_multiplier);
    const int out_c = static_cast<int>(depthwise ? i : o);
    const int taps_c = static_cast<int>(depthwise ? 1 : i);  // products per tap
    const OutputStage stage = make_stage(x, w, out_c, k_h * k_w * taps_c, a);
    const int n = x.shape(0), in_h = x.shape(1), in_w = x.shape(2), in_c = x.shape(3);
    const int out_h = win.out_h(in_h), out_w = win.out_w(in_w);
    ArrayI32 out({n, out_h, out_w, out_c});
    const int32_t* src = x.data();
    int32_t* dst = out.mutable_data();
    py::gil_scoped_release release;
    for (int s = 0; s < n; ++s) {
        const int32_t* image = src + static_cast<py::ssize_t>(s) * in_h * in_w * in_c;
        for (int oy = 0; oy < out_h; ++oy) {
            for (int ox = 0; ox < out_w; ++ox) {
                for (int oc = 0; oc < out_c; ++oc) {
                    wide_t sum = 0;
                    for (int ky = 0; ky < k_h; ++ky) {
                        const int iy = oy * win.stride_h - win.pad_top + ky * win.dilation_h;
                        if (iy < 0 || iy >= in_h) continue;  // padding adds nothing
                        for (int kx = 0; kx < k_w; ++kx) {
                            const int ix = ox * win.stride_w - win.pad_left + kx * win.dilation_w;
                            if (ix < 0 || ix >= in_w) continue;
                            const int32_t* pixel =
                                image + (static_cast<py::ssize_t>(iy) * in_w + ix) * in_c;
                            if (depthwise) {
                                sum += w.product(pixel[oc / depth_multiplier],
                                                 (ky * k_w + kx) * out_c + oc);
                                continue;
                            }
                            const py::ssize_t row = ((oc * k_h + ky) * k_w + kx) * taps_c;
                            for (int ic = 0; ic < taps_c; ++ic) {
                                sum += w.product(pixel[ic], row + ic);
                            }
                        }
                    }
                    *dst++ = stage.finish(sum, oc);
                }
            }
        }
    }
    return out;
}

}  // namespace fx
}  // namespace es_sim
