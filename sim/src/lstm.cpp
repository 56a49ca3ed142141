// UNIDIRECTIONAL_SEQUENCE_LSTM with int8 activations and weights, int16 gates and cell
// state, as TFLite Micro's integer LSTM computes it (the arithmetic TFLite Micro runs on
// microcontrollers, which is the oracle here).
//
// Per step and sequence: each gate is FC(x) + FC(h) (int32 accumulators requantized to
// Q3.12 int16, then a saturating int16 add), then the int16 table sigmoid (forget, input,
// output) or table tanh (cell gate) giving Q0.15. The cell state is
//   c = sat16(f * c) + sat16(i * g)   (saturating int16 add, then the optional clip)
// and the hidden state h = int8(tanh(c) * o). The sequences are independent: one row of
// `x` holds one sequence [time, features], whatever the model's layout was.
#include <algorithm>
#include <cstdlib>
#include <tuple>
#include <vector>

#include "es_sim/bindings.h"
#include "es_sim/ndarray.h"
#include "es_sim/requant.h"

namespace es_sim {

namespace {

using ArrayI16 = Array<int16_t>;

// Table of sigmoid(k / 24) in unsigned Q0.16, k = 0..255: the interpolation table of
// TFLite's int16 logistic and tanh (tanh(x) = 2 sigmoid(2x) - 1). It is not a plain
// rounding of the function, so the values are data, checked against TFLite Micro by the
// tests through the kernels that read it.
const uint16_t kSigmoidQ16[256] = {
    32768, 33451, 34133, 34813, 35493, 36169, 36843, 37513, 38180, 38841, 39498, 40149,
    40794, 41432, 42064, 42688, 43304, 43912, 44511, 45102, 45683, 46255, 46817, 47369,
    47911, 48443, 48964, 49475, 49975, 50464, 50942, 51409, 51865, 52311, 52745, 53169,
    53581, 53983, 54374, 54755, 55125, 55485, 55834, 56174, 56503, 56823, 57133, 57433,
    57724, 58007, 58280, 58544, 58800, 59048, 59288, 59519, 59743, 59959, 60168, 60370,
    60565, 60753, 60935, 61110, 61279, 61441, 61599, 61750, 61896, 62036, 62172, 62302,
    62428, 62549, 62666, 62778, 62886, 62990, 63090, 63186, 63279, 63368, 63454, 63536,
    63615, 63691, 63765, 63835, 63903, 63968, 64030, 64090, 64148, 64204, 64257, 64308,
    64357, 64405, 64450, 64494, 64536, 64576, 64614, 64652, 64687, 64721, 64754, 64786,
    64816, 64845, 64873, 64900, 64926, 64950, 64974, 64997, 65019, 65039, 65060, 65079,
    65097, 65115, 65132, 65149, 65164, 65179, 65194, 65208, 65221, 65234, 65246, 65258,
    65269, 65280, 65291, 65301, 65310, 65319, 65328, 65337, 65345, 65352, 65360, 65367,
    65374, 65381, 65387, 65393, 65399, 65404, 65410, 65415, 65420, 65425, 65429, 65433,
    65438, 65442, 65445, 65449, 65453, 65456, 65459, 65462, 65465, 65468, 65471, 65474,
    65476, 65479, 65481, 65483, 65485, 65488, 65489, 65491, 65493, 65495, 65497, 65498,
    65500, 65501, 65503, 65504, 65505, 65507, 65508, 65509, 65510, 65511, 65512, 65513,
    65514, 65515, 65516, 65517, 65517, 65518, 65519, 65520, 65520, 65521, 65522, 65522,
    65523, 65523, 65524, 65524, 65525, 65525, 65526, 65526, 65526, 65527, 65527, 65528,
    65528, 65528, 65529, 65529, 65529, 65529, 65530, 65530, 65530, 65530, 65531, 65531,
    65531, 65531, 65531, 65532, 65532, 65532, 65532, 65532, 65532, 65533, 65533, 65533,
    65533, 65533, 65533, 65533, 65533, 65534, 65534, 65534, 65534, 65534, 65534, 65534,
    65534, 65534, 65534, 65535};

int16_t sat16(int32_t v) { return static_cast<int16_t>(std::min(32767, std::max(-32768, v))); }

// x scaled by 3 * 2^shift (shift < 0: a rounding right shift), the input stage of the
// int16 table functions; the factor 3/4 widens the table's [-8, 8) to about [-10.7, 10.7).
int32_t table_input(int16_t x, int shift) {
    if (shift >= 0) return static_cast<int32_t>(x) * (3 << shift);
    const int right = -shift;
    return (static_cast<int32_t>(x) * 3 + (1 << (right - 1))) >> right;
}

// Q3.12 (after table_input) to Q0.15 sigmoid, by linear interpolation in the table.
int16_t sigmoid_q15(int32_t x) {
    const uint32_t ax = static_cast<uint32_t>(std::abs(x));
    const uint32_t k = ax >> 9;
    uint32_t r = 0x7FFFu << 10;
    if (k < 255) {
        const uint32_t a = kSigmoidQ16[k], b = kSigmoidQ16[k + 1];
        r = (a << 9) + (ax & 0x1FFu) * (b - a);
    }
    r = x >= 0 ? r + (1u << 9) : (1u << 25) - r + (1u << 9) - 1;
    return static_cast<int16_t>(r >> 10);
}

// tanh in Q0.15 by the same table at twice the argument.
int16_t tanh_q15(int32_t x) {
    const uint32_t ax = static_cast<uint32_t>(std::abs(x));
    const uint32_t k = ax >> 8;
    int32_t r = static_cast<int32_t>(0xFFFFu << 8);
    if (k < 255) {
        const uint32_t a = kSigmoidQ16[k], b = kSigmoidQ16[k + 1];
        r = static_cast<int32_t>((a << 8) + (ax & 0xFFu) * (b - a));
    }
    r = x >= 0 ? r - (1 << 23) + (1 << 7) : -r + (1 << 23) + (1 << 7) - 1;
    return static_cast<int16_t>(r >> 8);
}

struct Requant {
    int32_t mult;
    int shift;
    int32_t apply(int32_t x) const { return multiply_by_quantized_multiplier(x, mult, shift); }
};

// out[s] = sat16(requant(sum_k w[s, k] * (v[k] + offset) + bias[s])) for one gate
void gate_fc(const int8_t* v, int depth, int32_t offset, const int8_t* w, const int32_t* bias,
             Requant rq, int units, int16_t* out) {
    for (int s = 0; s < units; ++s) {
        int32_t acc = bias ? bias[s] : 0;
        const int8_t* row = w + static_cast<py::ssize_t>(s) * depth;
        for (int k = 0; k < depth; ++k) acc += static_cast<int32_t>(row[k]) * (v[k] + offset);
        out[s] = sat16(rq.apply(acc));
    }
}

std::tuple<ArrayI8, ArrayI8, ArrayI16> lstm_s8(
    const ArrayI8& x, const ArrayI8& input_weights, const ArrayI8& recurrent_weights,
    const ArrayI32& bias, const ArrayI8& hidden0, const ArrayI16& cell0, int32_t input_offset,
    int32_t hidden_offset, const ArrayI32& gate_multiplier, const ArrayI32& gate_shift,
    int32_t forget_multiplier, int forget_shift, int32_t input_multiplier, int input_shift,
    int32_t hidden_multiplier, int hidden_shift, int32_t hidden_zero_point,
    int cell_tanh_shift, int32_t cell_clip) {
    require_rank(x, 3, "lstm input [sequences, time, features]");
    require_rank(input_weights, 3, "lstm input weights [4, units, features]");
    require_rank(recurrent_weights, 3, "lstm recurrent weights [4, units, units]");
    const py::ssize_t seqs = x.shape(0), steps = x.shape(1), depth = x.shape(2);
    const py::ssize_t units = input_weights.shape(1);
    if (input_weights.shape(0) != 4 || input_weights.shape(2) != depth) {
        throw py::value_error("lstm input weights must be [4, units, features]");
    }
    if (recurrent_weights.shape(0) != 4 || recurrent_weights.shape(1) != units ||
        recurrent_weights.shape(2) != units) {
        throw py::value_error("lstm recurrent weights must be [4, units, units]");
    }
    require_size(bias, 4 * units, "lstm bias");
    require_size(hidden0, seqs * units, "lstm hidden state");
    require_size(cell0, seqs * units, "lstm cell state");
    require_size(gate_multiplier, 8, "lstm gate multipliers (input, recurrent per gate)");
    require_size(gate_shift, 8, "lstm gate shifts");

    ArrayI8 out({seqs, steps, units});
    ArrayI8 hidden({seqs, units});
    ArrayI16 cell({seqs, units});
    std::copy(hidden0.data(), hidden0.data() + hidden0.size(), hidden.mutable_data());
    std::copy(cell0.data(), cell0.data() + cell0.size(), cell.mutable_data());
    const int u = static_cast<int>(units), d = static_cast<int>(depth);
    Requant in_rq[4], rec_rq[4];
    for (int g = 0; g < 4; ++g) {
        in_rq[g] = {gate_multiplier.data()[2 * g], gate_shift.data()[2 * g]};
        rec_rq[g] = {gate_multiplier.data()[2 * g + 1], gate_shift.data()[2 * g + 1]};
    }
    const Requant forget_rq{forget_multiplier, forget_shift},
        input_rq{input_multiplier, input_shift}, hidden_rq{hidden_multiplier, hidden_shift};
    {
        py::gil_scoped_release release;
        // gates in TFLite's order: input, forget, cell, output
        std::vector<int16_t> gate(4 * units), part(units);
        for (py::ssize_t n = 0; n < seqs; ++n) {
            int8_t* h = hidden.mutable_data() + n * units;
            int16_t* c = cell.mutable_data() + n * units;
            for (py::ssize_t t = 0; t < steps; ++t) {
                const int8_t* xt = x.data() + (n * steps + t) * depth;
                for (int g = 0; g < 4; ++g) {
                    int16_t* gv = gate.data() + g * units;
                    gate_fc(xt, d, input_offset, input_weights.data() + g * units * depth,
                            bias.data() + g * units, in_rq[g], u, gv);
                    gate_fc(h, u, hidden_offset, recurrent_weights.data() + g * units * units,
                            nullptr, rec_rq[g], u, part.data());
                    for (int s = 0; s < u; ++s) {
                        const int32_t q312 = table_input(sat16(gv[s] + part[s]), 0);
                        gv[s] = g == 2 ? tanh_q15(q312) : sigmoid_q15(q312);
                    }
                }
                const int16_t *ig = gate.data(), *fg = ig + units, *cg = fg + units,
                              *og = cg + units;
                for (int s = 0; s < u; ++s) {
                    const int16_t kept = sat16(forget_rq.apply(fg[s] * c[s]));
                    const int16_t added = sat16(input_rq.apply(ig[s] * cg[s]));
                    int16_t next = sat16(kept + added);
                    if (cell_clip > 0) {
                        next = static_cast<int16_t>(std::max<int32_t>(
                            -cell_clip, std::min<int32_t>(cell_clip, next)));
                    }
                    c[s] = next;
                    const int16_t squashed = tanh_q15(table_input(next, cell_tanh_shift));
                    const int32_t hv = hidden_rq.apply(squashed * og[s]) + hidden_zero_point;
                    h[s] = static_cast<int8_t>(std::min(127, std::max(-128, hv)));
                }
                std::copy(h, h + units, out.mutable_data() + (n * steps + t) * units);
            }
        }
    }
    return {out, hidden, cell};
}

}  // namespace

void register_lstm(py::module_& m) {
    m.def("lstm_s8", &lstm_s8, py::arg("x"), py::arg("input_weights"),
          py::arg("recurrent_weights"), py::arg("bias"), py::arg("hidden"), py::arg("cell"),
          py::arg("input_offset"), py::arg("hidden_offset"), py::arg("gate_multiplier"),
          py::arg("gate_shift"), py::arg("forget_multiplier"), py::arg("forget_shift"),
          py::arg("input_multiplier"), py::arg("input_shift"), py::arg("hidden_multiplier"),
          py::arg("hidden_shift"), py::arg("hidden_zero_point"), py::arg("cell_tanh_shift"),
          py::arg("cell_clip"),
          "TFLite Micro's int8 LSTM (int16 gates and cell state) over independent sequences "
          "[n, time, features]; gates in the order input, forget, cell, output. Returns the "
          "outputs [n, time, units] and the final hidden (int8) and cell (int16) states.");
}

}  // namespace es_sim
