// Fixed-point elementwise kernels: add, sub, mul, maximum, minimum,
// squared_difference and prelu (operands broadcast to one shape by the
// caller), and abs.
//
// One loop serves every binary op: each computes its exact result at the
// binary point the op needs (sums and choices at the finer operand point,
// products at the sum of the points, a square at twice the finer point),
// the fused activation clamps it, and it is quantized once into the output
// type, as `out_t y = a - b;` does with ap_fixed operands.
#include <algorithm>
#include <string>

#include "es_sim/bindings.h"
#include "es_sim/fixed.h"
#include "es_sim/fixed_layers.h"
#include "es_sim/ndarray.h"

namespace es_sim {
namespace fx {

namespace {

enum class Binary { kAdd, kSub, kMul, kMaximum, kMinimum, kSquaredDifference, kPrelu };

// Where an op's exact value lies: its binary point and a bound on its bits.
struct Exactness {
    int frac;
    int bits;
};

template <Binary op>
Exactness exactness(int fa, int fb) {
    const int fine = std::max(fa, fb), aligned_bits = 33 + fine - std::min(fa, fb);
    switch (op) {
        case Binary::kMul:
            return {fa + fb, 64};
        case Binary::kSquaredDifference:
            return {2 * fine, 2 * aligned_bits};
        case Binary::kPrelu: {
            // x where x >= 0 (at fa), alpha * x elsewhere (at fa + fb): the finer of the two
            const int frac = std::max(fa, fa + fb);
            return {frac, std::max(32 + frac - fa, 64 + frac - fa - fb)};
        }
        default:
            return {fine, aligned_bits};
    }
}

// The exact result of a op b at `frac` (>= its exactness frac).
template <Binary op>
wide_t exact_value(int32_t a, int32_t b, int fa, int fb, int frac) {
    if (op == Binary::kMul) return wide_t{int64_t{a} * b} << (frac - fa - fb);
    if (op == Binary::kPrelu) {
        return a >= 0 ? wide_t{a} << (frac - fa) : wide_t{int64_t{a} * b} << (frac - fa - fb);
    }
    if (op == Binary::kSquaredDifference) {
        const int fine = std::max(fa, fb);
        const wide_t d = (wide_t{a} << (fine - fa)) - (wide_t{b} << (fine - fb));
        return (d * d) << (frac - 2 * fine);
    }
    const wide_t x = wide_t{a} << (frac - fa), y = wide_t{b} << (frac - fb);
    switch (op) {
        case Binary::kSub:
            return x - y;
        case Binary::kMaximum:
            return std::max(x, y);
        case Binary::kMinimum:
            return std::min(x, y);
        default:
            return x + y;
    }
}

template <Binary op>
ArrayI32 fixed_binary(const ArrayI32& a, const ArrayI32& b, const FixedType& ta,
                      const FixedType& tb, const FixedType& out, const std::string& activation) {
    if (shape_of(a) != shape_of(b)) {
        throw py::value_error("operands must be broadcast to one shape before the call");
    }
    check_tensor_type(out, "output");
    check_raw(a.data(), a.size(), ta, "a");
    check_raw(b.data(), b.size(), tb, "b");
    const Activation act = parse_activation(activation);
    const int fa = ta.frac_bits(), fb = tb.frac_bits();
    const Exactness e = exactness<op>(fa, fb);
    const int frac = std::max(e.frac, activation_frac(act));
    if (e.bits + (frac - e.frac) > kSourceBits) {
        throw py::value_error("the operands' binary points are too far apart for an exact result");
    }
    ArrayI32 result(shape_of(a));
    const int32_t* pa = a.data();
    const int32_t* pb = b.data();
    int32_t* dst = result.mutable_data();
    py::gil_scoped_release release;
    for (py::ssize_t i = 0; i < a.size(); ++i) {
        const wide_t exact = exact_value<op>(pa[i], pb[i], fa, fb, frac);
        dst[i] = static_cast<int32_t>(cast(apply_activation(exact, frac, act), frac, out));
    }
    return result;
}

// |x|, exact (one bit more than x), cast once into `out`.
ArrayI32 fixed_abs(const ArrayI32& x, const FixedType& tx, const FixedType& out) {
    check_tensor_type(out, "output");
    check_raw(x.data(), x.size(), tx, "x");
    check_cast(tx, out);
    ArrayI32 result(shape_of(x));
    const int32_t* src = x.data();
    int32_t* dst = result.mutable_data();
    py::gil_scoped_release release;
    for (py::ssize_t i = 0; i < x.size(); ++i) {
        const wide_t v = src[i];
        dst[i] = static_cast<int32_t>(cast(v < 0 ? -v : v, tx.frac_bits(), out));
    }
    return result;
}

template <Binary op>
void define_binary(py::module_& m, const char* name, const char* doc) {
    m.def(name, &fixed_binary<op>, py::arg("a"), py::arg("b"), py::arg("a_type"),
          py::arg("b_type"), py::arg("out"), py::arg("activation") = "none", doc);
}

}  // namespace
}  // namespace fx

void register_fixed_elementwise(py::module_& m) {
    using fx::Binary;
    fx::define_binary<Binary::kAdd>(m, "add_fx", "Exact a + b (same shapes), quantized once into `out`.");
    fx::define_binary<Binary::kSub>(m, "sub_fx", "Exact a - b (same shapes), quantized once into `out`.");
    fx::define_binary<Binary::kMul>(m, "mul_fx", "Exact a * b (same shapes), quantized once into `out`.");
    fx::define_binary<Binary::kMaximum>(m, "maximum_fx",
                                        "The larger of a and b (same shapes), cast into `out`.");
    fx::define_binary<Binary::kMinimum>(m, "minimum_fx",
                                        "The smaller of a and b (same shapes), cast into `out`.");
    fx::define_binary<Binary::kSquaredDifference>(
        m, "squared_difference_fx", "Exact (a - b)^2 (same shapes), quantized once into `out`.");
    fx::define_binary<Binary::kPrelu>(
        m, "prelu_fx", "a where a >= 0, else the exact a * b (same shapes), quantized once.");
    m.def("abs_fx", &fx::fixed_abs, py::arg("x"), py::arg("x_type"), py::arg("out"),
          "Exact |x|, cast once into `out`.");
}

}  // namespace es_sim
