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
#include "es_sim/sigmoid_q15.h"

namespace es_sim {

namespace {

using ArrayI16 = Array<int16_t>;

int16_t sat16(int32_t v) { return static_cast<int16_t>(std::min(32767, std::max(-32768, v))); }

// x scaled by 3 * 2^shift (shift < 0: a rounding right shift), the input stage of the
// int16 table functions; the factor 3/4 widens the table's [-8, 8) to about [-10.7, 10.7).
int32_t table_input(int16_t x, int shift) {
    if (shift >= 0) return static_cast<int32_t>(x) * (3 << shift);
    const int right = -shift;
    return (static_cast<int32_t>(x) * 3 + (1 << (right - 1))) >> right;
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
    const ArrayI32& bias, const ArrayI8& hidden0, const ArrayI16& cell0,
    const Array<uint16_t>& sigmoid_table, int32_t input_offset,
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
    require_size(sigmoid_table, 256, "lstm sigmoid table");
    const uint16_t* table = sigmoid_table.data();

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
                        gv[s] = g == 2 ? tanh_q15(table, q312) : sigmoid_q15(table, q312);
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
                    const int16_t squashed = tanh_q15(table, table_input(next, cell_tanh_shift));
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
          py::arg("sigmoid_table"),
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
