// Conformance harness: our fixed-point cast (sim/include/es_sim/fixed.h)
// against the ap_types headers, over every value of source types.
//
// One build per target width (-DTARGET_W=1..16). For every target
// ap_[u]fixed<W, I, Q, O> with I in [-2, W + 2], every Q and every O except
// WRAP_SM, it casts the values of these source types and compares the raw
// results with es_sim::fx::cast in the same process (no numbers cross a file):
//   wide:     ap_fixed<W + 4, I + 2>   two more integer and fractional bits:
//                                      rounding, overflow, rounding carries;
// and, for W = kAllSourcesWidth only (each source type costs as much build
// time as the wide one, and these paths do not depend on W),
//   unsigned: ap_ufixed<W + 3, I + 1>  the unsigned-source paths;
//   narrow:   ap_fixed<3, I - W>, ap_[u]fixed<3, I - W - 1>: the rounding bit
//             at, and just above, the source MSB.
// Sources of at most kExhaustiveBits bits are swept exhaustively. Wider ones
// take every combination of their kEdgeBits lowest and highest bits with the
// bits between all 0, all 1, 0101... or 1010... (rounding reads the low bits,
// overflow the high ones, and carries run through the middle).
// Casts that es_sim::fx::cast_refusal refuses are not run but confirmed to
// abort inside the headers, in a forked child (so the refusal is needed).
//
// Output: "mismatch ..." lines (at most 20), one "refused W I S Q O W2 I2 S2"
// line per refused cast, and "total casts=N mismatches=M refused=R confirmed=C".
// With an argument, the raw ap results for the wide source are also written
// there as int64, targets in the order of all_targets() below.
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <cstdint>
#include <cstdio>
#include <type_traits>
#include <utility>
#include <vector>

#include "ap_fixed.h"
#include "es_sim/fixed.h"

#ifndef TARGET_W
#error "build with -DTARGET_W=<target width>"
#endif

namespace {

namespace fx = es_sim::fx;

constexpr int kAllSourcesWidth = 2;
constexpr int kExhaustiveBits = 12;
constexpr int kEdgeBits = 5;

// Same order as the modes of sdk/edgesmith/ir/fixed.py.
constexpr ap_q_mode kApRounding[] = {AP_TRN,         AP_TRN_ZERO, AP_RND,     AP_RND_ZERO,
                                     AP_RND_MIN_INF, AP_RND_INF,  AP_RND_CONV};
constexpr ap_o_mode kApOverflow[] = {AP_SAT, AP_SAT_ZERO, AP_SAT_SYM, AP_WRAP};
constexpr fx::Rounding kRounding[] = {
    fx::Rounding::kTrn,       fx::Rounding::kTrnZero, fx::Rounding::kRnd,    fx::Rounding::kRndZero,
    fx::Rounding::kRndMinInf, fx::Rounding::kRndInf,  fx::Rounding::kRndConv};
constexpr fx::Overflow kOverflow[] = {fx::Overflow::kSat, fx::Overflow::kSatZero,
                                      fx::Overflow::kSatSym, fx::Overflow::kWrap};

struct Stats {
    long long casts = 0, mismatches = 0, refused = 0, confirmed = 0;
    FILE* dump = nullptr;
};

struct Source {
    int width, int_bits;
    bool is_signed;
};

using ApCast = int64_t (*)(int64_t raw);

// The only code instantiated per (source, target) pair: keep it small, the
// build time of the harness is the time of these instantiations.
template <int W2, int I2, bool S2, int I, bool S, int Qi, int Oi>
int64_t ap_cast(int64_t raw) {
    using Src = std::conditional_t<S2, ap_fixed<W2, I2>, ap_ufixed<W2, I2>>;
    using Dst = std::conditional_t<S, ap_fixed<TARGET_W, I, kApRounding[Qi], kApOverflow[Oi]>,
                                   ap_ufixed<TARGET_W, I, kApRounding[Qi], kApOverflow[Oi]>>;
    Src s;
    s.V = raw;
    const Dst d = s;
    return d.V.to_int64();
}

// True when the cast makes the headers abort (run in a child process).
bool headers_abort(ApCast cast) {
    std::fflush(stdout);
    const pid_t pid = fork();
    if (pid == 0) {
        std::freopen("/dev/null", "w", stderr);  // the failed assertion's message
        _exit(cast(1) == 0 ? 0 : 1);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    return WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT;
}

// The raw values of `src` to cast: all of them, or the edge combinations.
const std::vector<int64_t>& source_values(const Source& src) {
    static std::vector<int64_t> values;
    values.clear();
    const int w = src.width;
    const int64_t lo = src.is_signed ? -(int64_t{1} << (w - 1)) : 0;
    if (w <= kExhaustiveBits) {
        for (int64_t r = lo; r < lo + (int64_t{1} << w); ++r) values.push_back(r);
        return values;
    }
    const int middle = w - 2 * kEdgeBits;
    const uint64_t ones = (uint64_t{1} << middle) - 1, alternating = ones / 3;
    for (uint64_t mid : {uint64_t{0}, ones, alternating, ones ^ alternating}) {
        for (uint64_t edges = 0; edges < (uint64_t{1} << (2 * kEdgeBits)); ++edges) {
            const uint64_t low = edges & ((1u << kEdgeBits) - 1), high = edges >> kEdgeBits;
            const uint64_t bits = (high << (w - kEdgeBits)) | (mid << kEdgeBits) | low;
            // two's complement of w bits, sign-extended
            const int64_t shift = 64 - w;
            values.push_back(src.is_signed ? static_cast<int64_t>(bits << shift) >> shift
                                           : static_cast<int64_t>(bits));
        }
    }
    return values;
}

void sweep(Stats& st, const Source& src, const fx::FixedType& target, ApCast ap, bool dump) {
    if (!fx::cast_refusal(src.width, src.int_bits, src.is_signed, target).empty()) {
        st.refused += 1;
        std::printf("refused %d %d %d %d %d %d %d %d\n", target.width, target.int_bits,
                    target.is_signed, static_cast<int>(target.rounding),
                    static_cast<int>(target.overflow), src.width, src.int_bits, src.is_signed);
        st.confirmed += headers_abort(ap) ? 1 : 0;
        return;
    }
    for (const int64_t raw : source_values(src)) {
        const int64_t theirs = ap(raw);
        const int64_t ours = fx::cast(raw, src.width - src.int_bits, target);
        st.casts += 1;
        if (dump) std::fwrite(&theirs, sizeof theirs, 1, st.dump);
        if (theirs != ours && st.mismatches++ < 20) {
            std::printf(
                "mismatch W=%d I=%d S=%d Q=%d O=%d from W2=%d I2=%d S2=%d raw=%lld: "
                "ap %lld ours %lld\n",
                target.width, target.int_bits, target.is_signed, static_cast<int>(target.rounding),
                static_cast<int>(target.overflow), src.width, src.int_bits, src.is_signed,
                static_cast<long long>(raw), static_cast<long long>(theirs),
                static_cast<long long>(ours));
        }
    }
}

template <int I, bool S, int Qi, int Oi>
void check_target(Stats& st) {
    constexpr int W = TARGET_W;
    const fx::FixedType t{W, I, S, kRounding[Qi], kOverflow[Oi]};
    sweep(st, {W + 4, I + 2, true}, t, &ap_cast<W + 4, I + 2, true, I, S, Qi, Oi>,
          st.dump != nullptr);
    if constexpr (W == kAllSourcesWidth) {
        sweep(st, {W + 3, I + 1, false}, t, &ap_cast<W + 3, I + 1, false, I, S, Qi, Oi>, false);
        sweep(st, {3, I - W, true}, t, &ap_cast<3, I - W, true, I, S, Qi, Oi>, false);
        sweep(st, {3, I - W - 1, true}, t, &ap_cast<3, I - W - 1, true, I, S, Qi, Oi>, false);
        sweep(st, {3, I - W - 1, false}, t, &ap_cast<3, I - W - 1, false, I, S, Qi, Oi>, false);
    }
}

// Targets in this order: signed before unsigned, I ascending, Q outer, O inner.
template <int I, bool S, int... Qi, int... Oi>
void all_modes(Stats& st, std::integer_sequence<int, Qi...>, std::integer_sequence<int, Oi...>) {
    auto per_q = [&](auto q) { (check_target<I, S, decltype(q)::value, Oi>(st), ...); };
    (per_q(std::integral_constant<int, Qi>{}), ...);
}

template <int... Offset>
void all_targets(Stats& st, std::integer_sequence<int, Offset...>) {
    const auto qs = std::make_integer_sequence<int, 7>{};
    const auto os = std::make_integer_sequence<int, 4>{};
    (all_modes<Offset - 2, true>(st, qs, os), ...);
    (all_modes<Offset - 2, false>(st, qs, os), ...);
}

}  // namespace

int main(int argc, char** argv) {
    Stats st;
    if (argc > 1 && !(st.dump = std::fopen(argv[1], "wb"))) {
        std::perror(argv[1]);
        return 2;
    }
    all_targets(st, std::make_integer_sequence<int, TARGET_W + 5>{});
    if (st.dump) std::fclose(st.dump);
    std::printf("total casts=%lld mismatches=%lld refused=%lld confirmed=%lld\n", st.casts,
                st.mismatches, st.refused, st.confirmed);
    return st.mismatches == 0 && st.confirmed == st.refused ? 0 : 1;
}
