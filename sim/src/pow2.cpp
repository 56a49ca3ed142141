// Power-of-two weights: w = sign * 2^k, stored as (sign, exponent) codes.
//
// Code layout (docs/FORMATS_IMPL.md, sdk/edgesmith/ir/pow2.py): with E
// exponent bits, bit E is the sign (1 = negative) and bits 0..E-1 hold
// k - min_exp + 1; the field 0 is the zero weight (its sign bit must be 0).
//
// A product x * w is x shifted left by k - min_exp, negated for a negative
// sign: the layer multiplies nothing. Products sit at the binary point
// x_frac - min_exp, and the rest is the fixed-point MAC layer of
// fixed_layers.h (exact sum, one cast into the output type).
#include <string>
#include <tuple>
#include <vector>

#include "es_sim/bindings.h"
#include "es_sim/fixed_layers.h"

namespace es_sim {
namespace fx {

namespace {

using ArrayU8 = Array<uint8_t>;

struct Pow2Code {
    int min_exp, max_exp, exponent_bits;

    Pow2Code(int min_exp_, int max_exp_, int exponent_bits_)
        : min_exp(min_exp_), max_exp(max_exp_), exponent_bits(exponent_bits_) {
        if (min_exp > max_exp || max_exp - min_exp > 62 || min_exp < -64 || max_exp > 64) {
            throw py::value_error(
                "pow2 exponents need min_exp <= max_exp within [-64, 64] "
                "and at most 63 of them");
        }
        if (exponent_bits < 1 || exponent_bits > 7 ||
            (1 << exponent_bits) - 1 < max_exp - min_exp + 1) {
            throw py::value_error("pow2 exponent field of " + std::to_string(exponent_bits) +
                                  " bits cannot hold exponents " + std::to_string(min_exp) + ".." +
                                  std::to_string(max_exp));
        }
    }
};

// One decoded weight: -1 for a zero weight, else the left shift k - min_exp.
struct Decoded {
    std::vector<int8_t> shift;
    std::vector<bool> negative;
};

Decoded decode(const ArrayU8& codes, const Pow2Code& c) {
    Decoded d{std::vector<int8_t>(codes.size()), std::vector<bool>(codes.size())};
    const uint8_t* src = codes.data();
    const int field_mask = (1 << c.exponent_bits) - 1;
    for (py::ssize_t i = 0; i < codes.size(); ++i) {
        const int field = src[i] & field_mask;
        const int sign = src[i] >> c.exponent_bits;
        if (sign > 1 || field > c.max_exp - c.min_exp + 1 || (field == 0 && sign != 0)) {
            throw py::value_error("invalid pow2 code " + std::to_string(src[i]) + " at index " +
                                  std::to_string(i));
        }
        d.shift[i] = static_cast<int8_t>(field - 1);
        d.negative[i] = sign != 0;
    }
    return d;
}

struct Pow2Weights {
    Decoded decoded;
    Pow2Code code;
    int frac() const { return -code.min_exp; }
    int product_bits(int x_width) const { return x_width + code.max_exp - code.min_exp; }
    wide_t product(int32_t x, py::ssize_t i) const {
        const int shift = decoded.shift[i];
        if (shift < 0) return 0;
        const wide_t shifted = static_cast<wide_t>(x) << shift;
        return decoded.negative[i] ? -shifted : shifted;
    }
};

std::tuple<Array<int8_t>, ArrayI32> pow2_decode(const ArrayU8& codes, const Pow2Code& c) {
    const Decoded d = decode(codes, c);
    Array<int8_t> sign(shape_of(codes));
    ArrayI32 exponent(shape_of(codes));
    for (py::ssize_t i = 0; i < codes.size(); ++i) {
        const bool zero = d.shift[i] < 0;
        sign.mutable_data()[i] = zero ? 0 : (d.negative[i] ? -1 : 1);
        exponent.mutable_data()[i] = zero ? 0 : c.min_exp + d.shift[i];
    }
    return {sign, exponent};
}

ArrayI32 pow2_dense(const ArrayI32& x, const ArrayU8& codes, std::optional<ArrayI32> bias,
                    const FixedType& x_type, const Pow2Code& code,
                    std::optional<FixedType> bias_type, const FixedType& out,
                    std::string activation) {
    require_rank(codes, 2, "dense weights");
    const Pow2Weights w{decode(codes, code), code};
    return dense_layer(
        x, w, codes.shape(0), codes.shape(1),
        MacArgs{std::move(bias), std::move(bias_type), x_type, out, std::move(activation)});
}

ArrayI32 pow2_conv(const ArrayI32& x, const ArrayU8& codes, std::optional<ArrayI32> bias,
                   std::array<int, 2> stride, std::array<int, 2> dilation, std::array<int, 4> pads,
                   int depth_multiplier, const FixedType& x_type, const Pow2Code& code,
                   std::optional<FixedType> bias_type, const FixedType& out,
                   std::string activation) {
    require_rank(codes, 4, "conv weights");
    const Window win = Window::from(stride, dilation, pads, codes.shape(1), codes.shape(2));
    const Pow2Weights w{decode(codes, code), code};
    return conv_layer(
        x, w, codes, win, depth_multiplier,
        MacArgs{std::move(bias), std::move(bias_type), x_type, out, std::move(activation)});
}

}  // namespace
}  // namespace fx

void register_pow2(py::module_& m) {
    using fx::Pow2Code;
    py::class_<Pow2Code>(m, "Pow2Code", "Layout of power-of-two weight codes")
        .def(py::init<int, int, int>(), py::arg("min_exp"), py::arg("max_exp"),
             py::arg("exponent_bits"))
        .def_readonly("min_exp", &Pow2Code::min_exp)
        .def_readonly("max_exp", &Pow2Code::max_exp)
        .def_readonly("exponent_bits", &Pow2Code::exponent_bits);
    m.def("pow2_decode", &fx::pow2_decode, py::arg("codes"), py::arg("code"),
          "uint8 codes -> (sign in {-1, 0, 1} as int8, exponent as int32; 0 for zero weights).");
    m.def("fully_connected_p2", &fx::pow2_dense, py::arg("x"), py::arg("codes"), py::arg("bias"),
          py::arg("x_type"), py::arg("code"), py::arg("bias_type"), py::arg("out"),
          py::arg("activation") = "none",
          "Dense layer with power-of-two weights [O, K]: shifts, exact sum, one cast.");
    for (const char *name : {"conv2d_p2", "depthwise_conv2d_p2"}) {
        m.def(name, &fx::pow2_conv, py::arg("x"), py::arg("codes"), py::arg("bias"),
              py::arg("stride"), py::arg("dilation"), py::arg("pads"), py::arg("depth_multiplier"),
              py::arg("x_type"), py::arg("code"), py::arg("bias_type"), py::arg("out"),
              py::arg("activation") = "none",
              "conv2d (or depthwise when depth_multiplier > 0) with power-of-two weights.");
    }
}

}  // namespace es_sim
