// Packing of 4-bit and 2-bit values into bytes, the one packing edgesmith
// uses everywhere (docs/FORMATS_IMPL.md): element i sits in byte
// i / (8 / bits) at bit (i % (8 / bits)) * bits, so the first element takes
// the low bits; values are stored as two's complement bit fields, and the
// unused high bits of a last, partial byte are 0.
//
// Sub-byte tensors run on the int8 kernels: the IR keeps one value per int8
// element and the affine arithmetic is that of int8 (FORMATS.md), so these
// functions serve the boundaries where packed bytes appear (weights files,
// the C runtime) and the tests of the NumPy packing in ir/packing.py.
#include <algorithm>
#include <string>
#include <type_traits>

#include "es_sim/bindings.h"
#include "es_sim/ndarray.h"

namespace es_sim {

namespace {

using ArrayU8 = Array<uint8_t>;

int values_per_byte(int bits) {
    if (bits != 2 && bits != 4) throw py::value_error("sub-byte packing takes 2 or 4 bits");
    return 8 / bits;
}

template <typename T>
ArrayU8 pack_subbyte(const Array<T>& values, int bits) {
    const int per_byte = values_per_byte(bits);
    const int lo = std::is_signed_v<T> ? -(1 << (bits - 1)) : 0;
    const int hi = std::is_signed_v<T> ? (1 << (bits - 1)) - 1 : (1 << bits) - 1;
    const py::ssize_t n = values.size();
    ArrayU8 out((n + per_byte - 1) / per_byte);
    uint8_t* dst = out.mutable_data();
    std::fill(dst, dst + out.size(), 0);
    const T* src = values.data();
    const unsigned mask = (1u << bits) - 1;
    for (py::ssize_t i = 0; i < n; ++i) {
        if (src[i] < lo || src[i] > hi) {
            throw py::value_error("value " + std::to_string(src[i]) + " at index " +
                                  std::to_string(i) + " does not fit " + std::to_string(bits) +
                                  " bits");
        }
        const unsigned field = static_cast<unsigned>(src[i]) & mask;
        dst[i / per_byte] |= static_cast<uint8_t>(field << ((i % per_byte) * bits));
    }
    return out;
}

py::array unpack_subbyte(const ArrayU8& data, int bits, py::ssize_t count, bool is_signed) {
    const int per_byte = values_per_byte(bits);
    if (count < 0 || count > data.size() * per_byte) {
        throw py::value_error(std::to_string(data.size()) + " bytes hold at most " +
                              std::to_string(data.size() * per_byte) + " values, asked for " +
                              std::to_string(count));
    }
    const uint8_t* src = data.data();
    const int sign_bit = 1 << (bits - 1);
    auto field = [&](py::ssize_t i) {
        return (src[i / per_byte] >> ((i % per_byte) * bits)) & ((1 << bits) - 1);
    };
    if (!is_signed) {
        ArrayU8 out(count);
        for (py::ssize_t i = 0; i < count; ++i) out.mutable_data()[i] = field(i);
        return out;
    }
    Array<int8_t> out(count);
    for (py::ssize_t i = 0; i < count; ++i) {
        const int f = field(i);
        out.mutable_data()[i] = static_cast<int8_t>((f ^ sign_bit) - sign_bit);  // sign-extend
    }
    return out;
}

}  // namespace

void register_subbyte(py::module_& m) {
    m.def("pack_subbyte", &pack_subbyte<int8_t>, py::arg("values"), py::arg("bits"),
          "Pack signed 4/2-bit values (int8 array, flattened) into bytes, first value in the "
          "low bits.");
    m.def("pack_subbyte", &pack_subbyte<uint8_t>, py::arg("values"), py::arg("bits"),
          "Pack unsigned 4/2-bit values (uint8 array, flattened) into bytes.");
    m.def("unpack_subbyte", &unpack_subbyte, py::arg("data"), py::arg("bits"), py::arg("count"),
          py::arg("signed"),
          "The first `count` 4/2-bit values of packed bytes, as int8 (signed) or uint8.");
}

}  // namespace es_sim
