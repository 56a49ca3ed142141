// Fixed-point (ap_fixed<W, I, Q, O>) in the simulator: the type object, the
// cast between types, float conversion and the relu family (add, mul and the
// other elementwise kernels are in fixed_elementwise.cpp).
//
// Tensors hold raw integers (int32, W <= 32); a FixedType says how to read
// them. Each op computes its result exactly (sums at the finer binary point,
// products at the sum of the binary points) and quantizes it once into the
// output type, as `out_t y = a + b;` does with ap_fixed operands.
#include "es_sim/fixed.h"

#include <cmath>
#include <utility>

#include "es_sim/bindings.h"
#include "es_sim/fixed_layers.h"
#include "es_sim/ndarray.h"

namespace es_sim {
namespace fx {

namespace {

template <class Mode, size_t N>
Mode parse_mode(const std::string& name, const std::pair<const char*, Mode> (&table)[N],
                const char* what) {
    std::string known;
    for (const auto& [text, mode] : table) {
        if (name == text) return mode;
        known += known.empty() ? text : std::string(", ") + text;
    }
    throw py::value_error("unknown " + std::string(what) + " '" + name + "'; one of " + known);
}

}  // namespace

Rounding parse_rounding(const std::string& name) {
    static const std::pair<const char*, Rounding> table[] = {{"TRN", Rounding::kTrn},
                                                             {"TRN_ZERO", Rounding::kTrnZero},
                                                             {"RND", Rounding::kRnd},
                                                             {"RND_ZERO", Rounding::kRndZero},
                                                             {"RND_MIN_INF", Rounding::kRndMinInf},
                                                             {"RND_INF", Rounding::kRndInf},
                                                             {"RND_CONV", Rounding::kRndConv}};
    return parse_mode(name, table, "rounding mode");
}

Overflow parse_overflow(const std::string& name) {
    if (name == "WRAP_SM") {
        throw py::value_error(
            "overflow mode WRAP_SM is not supported (the ap_types headers "
            "handle it inconsistently); use WRAP, SAT, SAT_ZERO or SAT_SYM");
    }
    static const std::pair<const char*, Overflow> table[] = {{"SAT", Overflow::kSat},
                                                             {"SAT_ZERO", Overflow::kSatZero},
                                                             {"SAT_SYM", Overflow::kSatSym},
                                                             {"WRAP", Overflow::kWrap}};
    return parse_mode(name, table, "overflow mode");
}

Activation parse_activation(const std::string& name) {
    static const std::pair<const char*, Activation> table[] = {
        {"none", Activation::kNone},
        {"relu", Activation::kRelu},
        {"relu6", Activation::kRelu6},
        {"relu_n1_to_1", Activation::kReluN1To1}};
    return parse_mode(name, table, "activation");
}

void check_raw(const int32_t* raw, py::ssize_t n, const FixedType& t, const char* what) {
    const wide_t lo = t.min_raw(), hi = t.max_raw();
    for (py::ssize_t i = 0; i < n; ++i) {
        if (raw[i] < lo || raw[i] > hi) {
            throw py::value_error(std::string(what) + " holds raw value " + std::to_string(raw[i]) +
                                  ", outside its " + std::to_string(t.width) + "-bit type");
        }
    }
}

void check_tensor_type(const FixedType& t, const char* what) {
    if (t.width > (t.is_signed ? 32 : 31)) {
        throw py::value_error(std::string(what) +
                              ": fixed-point tensors have at most 32 bits, "
                              "31 unsigned (int32 storage), got " +
                              std::to_string(t.width));
    }
}

int activation_frac(Activation act) {
    switch (act) {
        case Activation::kRelu6:
            return -1;  // 6 = 3 * 2^1
        case Activation::kReluN1To1:
            return 0;
        default:
            return -kSourceBits;  // 0 is exact at any binary point
    }
}

wide_t apply_activation(wide_t acc, int acc_frac, Activation act, wide_t scale) {
    if (act == Activation::kNone) return acc;
    const wide_t one = acc_frac >= 0 ? scale << acc_frac : 0;
    acc = std::max(acc, act == Activation::kReluN1To1 ? -one : wide_t{0});
    if (act == Activation::kRelu6) acc = std::min(acc, (3 * scale) << (acc_frac + 1));
    if (act == Activation::kReluN1To1) acc = std::min(acc, one);
    return acc;
}

OutputStage::OutputStage(const std::optional<ArrayI32>& bias,
                         const std::optional<FixedType>& bias_type, py::ssize_t channels,
                         int product_frac, int product_bits, py::ssize_t terms,
                         const std::string& activation, const FixedType& out)
    : product_frac_(product_frac), act_(parse_activation(activation)), out_(out) {
    check_tensor_type(out, "output");
    if (bias.has_value() != bias_type.has_value()) {
        throw py::value_error("give the bias together with its type");
    }
    acc_frac_ = std::max(product_frac, activation_frac(act_));
    int bias_bits = 0;
    if (bias) {
        require_size(*bias, channels, "bias");
        check_raw(bias->data(), bias->size(), *bias_type, "bias");
        bias_ = bias->data();
        bias_frac_ = bias_type->frac_bits();
        acc_frac_ = std::max(acc_frac_, bias_frac_);
        bias_bits = bias_type->width + (acc_frac_ - bias_frac_);
    }
    int sum_bits = product_bits + (acc_frac_ - product_frac_);
    for (py::ssize_t n = terms; n > 0; n >>= 1) ++sum_bits;
    if (std::max(sum_bits, bias_bits) + 1 > kSourceBits) {
        throw py::value_error("the exact accumulator would need more than " +
                              std::to_string(kSourceBits) + " bits; narrow the binary points");
    }
}

void check_cast(const FixedType& source, const FixedType& target) {
    const std::string refusal =
        cast_refusal(source.width, source.int_bits, source.is_signed, target);
    if (!refusal.empty()) throw py::value_error(refusal);
}

namespace {

using ArrayI64 = Array<int64_t>;

FixedType make_type(int width, int int_bits, bool is_signed, const std::string& rounding,
                    const std::string& overflow) {
    const FixedType t{width, int_bits, is_signed, parse_rounding(rounding),
                      parse_overflow(overflow)};
    const std::string error = type_error(t);
    if (!error.empty()) throw py::value_error(error);
    return t;
}


ArrayI64 fixed_cast(const ArrayI64& values, const FixedType& source, const FixedType& target) {
    check_cast(source, target);
    ArrayI64 out(shape_of(values));
    const int64_t* src = values.data();
    int64_t* dst = out.mutable_data();
    const wide_t lo = source.min_raw(), hi = source.max_raw();
    for (py::ssize_t i = 0; i < values.size(); ++i) {
        if (src[i] < lo || src[i] > hi) {
            throw py::value_error("raw value " + std::to_string(src[i]) +
                                  " does not fit the source type");
        }
        dst[i] = cast(src[i], source.frac_bits(), target);
    }
    return out;
}

// Doubles are exact binary fractions: mantissa * 2^(exponent - 53).
ArrayI64 fixed_from_float(const ArrayF64& values, const FixedType& target) {
    ArrayI64 out(shape_of(values));
    const double* src = values.data();
    int64_t* dst = out.mutable_data();
    for (py::ssize_t i = 0; i < values.size(); ++i) {
        if (!std::isfinite(src[i])) throw py::value_error("cannot quantize inf or NaN");
        int exponent = 0;
        const double fraction = std::frexp(src[i], &exponent);
        const auto mantissa = static_cast<int64_t>(std::ldexp(fraction, 53));
        dst[i] = cast(mantissa, 53 - exponent, target);
    }
    return out;
}

// relu, relu6, relu_n1_to_1 (and "none": a plain cast) from one type to another.
ArrayI32 fixed_activation(const ArrayI32& x, const FixedType& tx, const FixedType& out,
                          const std::string& activation) {
    check_tensor_type(out, "output");
    check_raw(x.data(), x.size(), tx, "x");
    check_cast(tx, out);
    const Activation act = parse_activation(activation);
    const int frac = std::max(tx.frac_bits(), activation_frac(act));
    ArrayI32 result(shape_of(x));
    const int32_t* src = x.data();
    int32_t* dst = result.mutable_data();
    py::gil_scoped_release release;
    for (py::ssize_t i = 0; i < x.size(); ++i) {
        const wide_t exact = wide_t{src[i]} << (frac - tx.frac_bits());
        dst[i] = static_cast<int32_t>(cast(apply_activation(exact, frac, act), frac, out));
    }
    return result;
}

}  // namespace
}  // namespace fx

void register_fixed(py::module_& m) {
    using fx::FixedType;
    py::class_<FixedType>(m, "FixedType", "ap_[u]fixed<width, int_bits, rounding, overflow>")
        .def(py::init(&fx::make_type), py::arg("width"), py::arg("int_bits"),
             py::arg("signed") = true, py::arg("rounding") = "TRN", py::arg("overflow") = "WRAP")
        .def_readonly("width", &FixedType::width)
        .def_readonly("int_bits", &FixedType::int_bits)
        .def_readonly("signed", &FixedType::is_signed)
        .def_property_readonly("frac_bits", &FixedType::frac_bits);
    m.def("fixed_cast", &fx::fixed_cast, py::arg("values"), py::arg("source"), py::arg("target"),
          "Raw int64 values of `source` quantized into `target` (ap_fixed assignment); "
          "refuses the casts the ap_types headers abort on.");
    m.def("fixed_from_float", &fx::fixed_from_float, py::arg("values"), py::arg("target"),
          "float64 values quantized exactly into `target` (ap_fixed from double).");
    m.def("relu_fx", &fx::fixed_activation, py::arg("x"), py::arg("x_type"),
          py::arg("out"), py::arg("activation"),
          "relu / relu6 / relu_n1_to_1 / none on exact values, then one cast into `out`.");
}

}  // namespace es_sim
