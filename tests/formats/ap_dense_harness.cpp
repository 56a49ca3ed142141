// Conformance harness: the multiply-accumulate chain of a dense layer in HLS
// C-simulation with the ap_types headers, for our simulator to reproduce.
//
// For each case below (input, weight, bias, accumulator and output types),
// it draws raw inputs, weights and biases (uniform over each type's range,
// with its extremes, 0 and +/-1 often), computes
//     acc_t acc = bias[o]; for k: acc += x[n][k] * w[o][k]; out_t y = acc;
// and prints, per case, a header line
//     case NAME K OUT N  x: W I S Q O  w: ...  b: ...  out: ...
// followed by lines "x ...", "w ...", "b ...", "y ..." of raw integers.
// Every accumulator type is wide enough to hold the exact sum, so the chain
// quantizes once, in `out_t y = acc`.
#include <cstdint>
#include <cstdio>

#include "ap_fixed.h"

namespace {

const char* const kRoundingName[] = {"RND",      "RND_ZERO", "RND_MIN_INF", "RND_INF",
                                     "RND_CONV", "TRN",      "TRN_ZERO"};
const char* const kOverflowName[] = {"SAT", "SAT_ZERO", "SAT_SYM", "WRAP", "WRAP_SM"};

template <int W, int I, bool S, ap_q_mode Q, ap_o_mode O, int N>
void print_type(const char* label, const ap_fixed_base<W, I, S, Q, O, N>&) {
    std::printf(" %s %d %d %d %s %s", label, W, I, S ? 1 : 0, kRoundingName[Q], kOverflowName[O]);
}

// splitmix64: small, fixed, the same stream on every machine
uint64_t g_state = 0x5eed5eedULL;
uint64_t next_random() {
    uint64_t z = (g_state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

template <int W, int I, bool S, ap_q_mode Q, ap_o_mode O, int N>
long long random_raw(const ap_fixed_base<W, I, S, Q, O, N>&) {
    const long long lo = S ? -(1LL << (W - 1)) : 0;
    const long long hi = S ? (1LL << (W - 1)) - 1 : (1LL << W) - 1;
    const long long edges[] = {lo, hi, 0, S ? -1 : 1, 1};
    const uint64_t r = next_random();
    if (r % 8 == 0) return edges[(r >> 8) % 5];
    return lo + static_cast<long long>((r >> 8) % static_cast<uint64_t>(hi - lo + 1));
}

template <class T>
T draw(std::FILE* out) {
    T value;
    const long long raw = random_raw(value);
    value.V = raw;
    std::fprintf(out, " %lld", raw);
    return value;
}

template <class XT, class WT, class BT, class AccT, class OutT, int K, int OUT, int N>
void run_case(const char* name) {
    std::printf("case %s %d %d %d", name, K, OUT, N);
    print_type("x:", XT());
    print_type("w:", WT());
    print_type("b:", BT());
    print_type("out:", OutT());
    std::printf("\n");
    static XT x[N][K];
    static WT w[OUT][K];
    static BT b[OUT];
    std::printf("x");
    for (auto& row : x)
        for (auto& v : row) v = draw<XT>(stdout);
    std::printf("\nw");
    for (auto& row : w)
        for (auto& v : row) v = draw<WT>(stdout);
    std::printf("\nb");
    for (auto& v : b) v = draw<BT>(stdout);
    std::printf("\ny");
    for (int n = 0; n < N; ++n) {
        for (int o = 0; o < OUT; ++o) {
            AccT acc = b[o];
            for (int k = 0; k < K; ++k) acc += x[n][k] * w[o][k];
            const OutT y = acc;
            std::printf(" %lld", static_cast<long long>(y.V.to_int64()));
        }
    }
    std::printf("\n");
}

}  // namespace

int main() {
    constexpr int K = 48, OUT = 8, N = 256;
    run_case<ap_fixed<8, 3>, ap_fixed<6, 1>, ap_fixed<10, 4>, ap_fixed<32, 14>,
             ap_fixed<8, 4, AP_RND, AP_SAT>, K, OUT, N>("mlp_hidden");
    run_case<ap_ufixed<8, 0>, ap_fixed<4, 2>, ap_fixed<8, 2>, ap_fixed<24, 10>,
             ap_fixed<6, 3, AP_RND_CONV, AP_SAT_SYM>, K, OUT, N>("after_relu");
    run_case<ap_fixed<16, 6>, ap_fixed<16, 1>, ap_fixed<16, 6>, ap_fixed<64, 24>,
             ap_fixed<16, 6, AP_TRN, AP_WRAP>, K, OUT, N>("wide16");
    run_case<ap_fixed<12, 4>, ap_fixed<8, 0>, ap_fixed<12, 4>, ap_fixed<40, 16>,
             ap_ufixed<8, 3, AP_RND_INF, AP_SAT_ZERO>, K, OUT, N>("unsigned_out");
    run_case<ap_fixed<24, 8>, ap_fixed<18, 2>, ap_fixed<32, 10>, ap_fixed<64, 24>,
             ap_fixed<18, 8, AP_RND_ZERO, AP_SAT>, K, OUT, N>("wide24");
    run_case<ap_fixed<8, -2>, ap_fixed<8, 10>, ap_fixed<10, 12>, ap_fixed<40, 22>,
             ap_fixed<10, 6, AP_RND_MIN_INF, AP_SAT>, K, OUT, N>("odd_points");
    run_case<ap_fixed<10, 5>, ap_fixed<10, 3>, ap_fixed<10, 5>, ap_fixed<48, 20>,
             ap_fixed<7, 2, AP_TRN_ZERO, AP_WRAP>, K, OUT, N>("trn_zero_wrap");
    run_case<ap_fixed<4, 1>, ap_fixed<3, 1>, ap_fixed<5, 2>, ap_fixed<16, 8>,
             ap_fixed<3, 2, AP_RND, AP_SAT>, K, OUT, N>("narrow");
    return 0;
}
