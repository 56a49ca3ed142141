// Fixed-point numbers with the ap_fixed<W, I, Q, O> semantics (see
// ../shared/FORMATS.md and docs/FORMATS_IMPL.md).
//
// A value is a raw integer r and a number of fractional bits F: value = r * 2^-F.
// `cast` quantizes an exact source value v * 2^-F2 into a FixedType: the
// rounding mode Q decides whether floor(v / 2^(F2 - F)) gains one, then the
// overflow mode O maps the rounded integer into W bits.
//
// Sources are 128-bit integers so that exact sums of 64-bit products fit;
// callers keep |v| < 2^126 (the kernels check their operand ranges). Targets
// have 1 to 64 bits (tensors use at most 32, stored as int32).
//
// This header has no Python dependency: the ap_types conformance harness
// (tests/formats/) compiles it as it is.
#pragma once
#include <cstdint>
#include <string>

namespace es_sim {
namespace fx {

using wide_t = __int128;
using uwide_t = unsigned __int128;

enum class Rounding { kTrn, kTrnZero, kRnd, kRndZero, kRndMinInf, kRndInf, kRndConv };
enum class Overflow { kSat, kSatZero, kSatSym, kWrap };

constexpr int kMaxWidth = 64;
// |v| < 2^kSourceBits keeps every shift below well defined and exact.
constexpr int kSourceBits = 126;

struct FixedType {
    int width;
    int int_bits;
    bool is_signed;
    Rounding rounding;
    Overflow overflow;

    int frac_bits() const { return width - int_bits; }
    wide_t max_raw() const { return (wide_t{1} << (width - (is_signed ? 1 : 0))) - 1; }
    wide_t min_raw() const { return is_signed ? -(wide_t{1} << (width - 1)) : 0; }
};

// Why `t` cannot be used, or an empty string. (No exceptions here: the
// conformance harness builds without them.)
inline std::string type_error(const FixedType& t) {
    if (t.width < 1 || t.width > kMaxWidth) {
        return "fixed-point width must be 1.." + std::to_string(kMaxWidth) + ", got " +
               std::to_string(t.width);
    }
    if (t.frac_bits() < -kSourceBits || t.frac_bits() > kSourceBits) {
        return "fixed-point fractional bits " + std::to_string(t.frac_bits()) + " out of range";
    }
    return "";
}

// One increment decision of the rounding table of FORMATS.md, from the bits
// dropped below the target LSB: qb is the first dropped bit (weight 1/2 of the
// LSB), rest says whether anything below it is set, neg is the source sign.
inline bool rounds_up(Rounding mode, bool q_odd, bool qb, bool rest, bool neg) {
    switch (mode) {
        case Rounding::kTrn:
            return false;
        case Rounding::kTrnZero:
            return neg && (qb || rest);
        case Rounding::kRnd:
            return qb;
        case Rounding::kRndZero:
            return qb && (neg || rest);
        case Rounding::kRndMinInf:
            return qb && rest;
        case Rounding::kRndInf:
            return qb && (!neg || rest);
        case Rounding::kRndConv:
            return qb && (q_odd || rest);
    }
    return false;
}

// The rounded integer before overflow handling. A left shift can leave the
// 128-bit range; `huge` then records that it is out of every W <= 64 range,
// while `value` keeps the low bits that wrapping needs.
struct Rounded {
    wide_t value;
    bool huge = false;
    bool negative = false;  // the sign when huge
};

inline Rounded round_to_lsb(wide_t v, int drop, Rounding mode) {
    if (drop <= 0) {
        const int up = -drop;
        if (v == 0) return {0};
        if (up >= 128) return {0, true, v < 0};  // a multiple of 2^128: no low bits left
        const uwide_t low = static_cast<uwide_t>(v) << up;
        const wide_t top = v >> (127 - up);  // the bits that must be sign copies
        return {static_cast<wide_t>(low), top != 0 && top != -1, v < 0};
    }
    // |v| < 2^126 makes bits 126 and up copies of the sign, so dropping more
    // than 127 bits decides the same as dropping 127.
    const int d = drop > 127 ? 127 : drop;
    const wide_t q = v >> d;  // arithmetic shift: floor
    const bool qb = (v >> (d - 1)) & 1;
    const bool rest = d > 1 && (v & ((wide_t{1} << (d - 1)) - 1)) != 0;
    return {q + (rounds_up(mode, q & 1, qb, rest, v < 0) ? 1 : 0)};
}

// Map a rounded integer into the W bits of `t` with its overflow mode.
inline int64_t apply_overflow(Rounded r, const FixedType& t) {
    const wide_t lo = t.min_raw(), hi = t.max_raw();
    const bool in_range = !r.huge && r.value >= lo && r.value <= hi;
    const bool above = r.huge ? !r.negative : r.value > hi;  // otherwise below
    switch (t.overflow) {
        case Overflow::kWrap: {
            const uwide_t mask = (uwide_t{1} << t.width) - 1;
            wide_t low = static_cast<wide_t>(static_cast<uwide_t>(r.value) & mask);
            if (t.is_signed && low > hi) low -= wide_t{1} << t.width;
            return static_cast<int64_t>(low);
        }
        case Overflow::kSatZero:
            return in_range ? static_cast<int64_t>(r.value) : 0;
        case Overflow::kSatSym: {
            // The symmetric clamp needs a second bit; with W = 1 the headers
            // saturate like SAT.
            const wide_t sym_lo = (t.is_signed && t.width > 1) ? -hi : lo;
            if (in_range) return static_cast<int64_t>(r.value < sym_lo ? sym_lo : r.value);
            return static_cast<int64_t>(above ? hi : sym_lo);
        }
        case Overflow::kSat:
            break;
    }
    if (in_range) return static_cast<int64_t>(r.value);
    return static_cast<int64_t>(above ? hi : lo);
}

// value v * 2^-source_frac quantized into `t`; returns the stored integer
// (sign-extended for signed types, in [0, 2^W) for unsigned ones).
inline int64_t cast(wide_t v, int source_frac, const FixedType& t) {
    return apply_overflow(round_to_lsb(v, source_frac - t.frac_bits(), t.rounding), t);
}

// The exact rational num / den (den > 0) at the LSB of `t`, rounded and
// mapped like `cast`: the remainder plays the part of the dropped bits.
inline int64_t cast_quotient(wide_t num, wide_t den, const FixedType& t) {
    wide_t q = num / den, r = num % den;
    if (r < 0) {  // C++ truncates; make q the floor and 0 <= r < den
        q -= 1;
        r += den;
    }
    const bool qb = 2 * r >= den;
    const bool rest = qb ? 2 * r > den : r != 0;
    const bool up = rounds_up(t.rounding, q & 1, qb, rest, num < 0);
    return apply_overflow({q + (up ? 1 : 0)}, t);
}

// The casts the ap_types headers abort on: rounding (other than TRN, and
// other than TRN_ZERO from an unsigned source, which they skip) that reads
// the bit below the target LSB from above the source MSB, i.e. when the
// target LSB weight is at least 2^(I2 + 1). Empty string when allowed.
inline std::string cast_refusal(int source_width, int source_int_bits, bool source_signed,
                                const FixedType& t) {
    const int drop = (source_width - source_int_bits) - t.frac_bits();
    const bool reads_rounding_bit =
        t.rounding != Rounding::kTrn && !(t.rounding == Rounding::kTrnZero && !source_signed);
    if (!reads_rounding_bit || drop <= source_width) return "";
    return "cast refused: the target LSB weight 2^" + std::to_string(-t.frac_bits()) +
           " is at least 2^(I+1) = 2^" + std::to_string(source_int_bits + 1) +
           " of the source, and rounding other than TRN there aborts inside the ap_types "
           "headers; use TRN or give the source more integer bits";
}

}  // namespace fx
}  // namespace es_sim
