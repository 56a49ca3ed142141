"""The resource and latency estimate, checked by hand on a tiny dense layer.

Layer: 4 inputs -> 3 outputs, relu, everything fixed<16,6> (10 fractional bits)
unless a test says otherwise, weights raw [[1, 2, 3, 4], [-5, 6, -7, 8],
[0, 0, 0, 1]], biases raw [100, -200, 0], on the PYNQ-Z2 (DSP48E1, 25x18).

Accumulator by hand: products have 20 fractional bits; the largest
sum |w| is 26, times max |x| = 32768 raw, is 851,968; the largest bias,
200 raw at 10 fractional bits, is 204,800 at 20; together 1,056,768 < 2^21,
so 21 magnitude bits and a sign: ap_fixed<22,2>.
"""

from __future__ import annotations

import numpy as np
import pytest
from edgesmith.hls.estimate import dsp_pieces, dsps_per_multiplier, estimate_graph
from edgesmith.boards.fpga_boards import get_fpga_board
from edgesmith.hls.layers import build_layers
from edgesmith.ir import Pow2Format

from tests.hls.fixed_graphs import FixedBuilder, fx

WEIGHTS = np.array([[1, 2, 3, 4], [-5, 6, -7, 8], [0, 0, 0, 1]])


def dense_graph(w_fmt=None, n_in: int = 4, n_out: int = 3, weights=WEIGHTS):
    f = FixedBuilder("tiny_dense")
    x = f.input("x", (1, n_in), fx(16, 6))
    w = f.weights("w", (n_out, n_in), w_fmt or fx(16, 6))
    if weights is not None:
        f.raw[w] = weights.astype(np.uint8 if isinstance(w_fmt, Pow2Format) else np.int32)
    b = f.weights("b", (n_out,), fx(16, 6))
    f.raw[b] = np.resize(np.array([100, -200, 0], np.int32), n_out)
    return f.finish([f.op("fully_connected", [x, w, b], fx(16, 6), {"activation": "relu"},
                          name="fc")])


@pytest.fixture(scope="module")
def pynq():
    return get_fpga_board("pynq-z2")


def test_accumulator_by_hand():
    layer = build_layers(dense_graph())[0]
    assert dict(layer.typedefs)["accum_t"] == "ap_fixed<22,2>"
    assert dict(layer.typedefs)["product_t"] == "ap_fixed<32,12>"


def test_reuse_1_by_hand(pynq):
    est = estimate_graph(dense_graph(), pynq, reuse_factor=1)
    e = est.layers[0]
    assert (e.multipliers, e.operand_bits, e.dsp_per_multiplier, e.dsp) == (12, (16, 16), 1, 12)
    assert e.lut == 12 * 22  # one 22-bit adder per multiplier
    assert e.ff == 12 * 22 + 3 * 16  # accumulators + the partitioned 3 x 16-bit output
    assert e.bram18 == 0  # reuse 1: weights are constants in the logic
    assert (e.interval, e.latency) == (1, 1 + 3 + 3)  # log2(4 + 1) -> 3, plus 3
    assert est.totals["dsp"] == 12 and est.available["dsp"] == 220


def test_reuse_4_by_hand(pynq):
    e = estimate_graph(dense_graph(), pynq, reuse_factor=4).layers[0]
    assert (e.multipliers, e.dsp) == (3, 3)
    # weights: a 3 x 16 = 48-bit word, 4 deep (< 32): LUTs, ceil(48 * 4 / 64) = 3
    assert e.lut == 3 * 22 + 3 and e.bram18 == 0
    assert (e.interval, e.latency) == (4, 4 + 6)


def test_weights_in_bram_by_hand(pynq):
    graph = dense_graph(n_in=64, n_out=32, weights=None)
    e = estimate_graph(graph, pynq, reuse_factor=32).layers[0]
    # 2048 products / 32 = 64 multipliers; a 64 x 16 = 1024-bit word, 32 deep:
    # max(ceil(1024 / 36), ceil(1024 * 32 / 18432)) = max(29, 2) = 29 BRAM18
    assert (e.multipliers, e.dsp, e.bram18) == (64, 64, 29)


def test_narrow_weights_go_to_luts(pynq):
    e = estimate_graph(dense_graph(fx(4, 2), weights=np.zeros((3, 4))), pynq).layers[0]
    assert e.dsp == 0 and e.multipliers == 12
    assert e.lut >= 12 * 16 * 4  # 16x4 multipliers of ~64 LUTs each
    assert any("LUTs" in note for note in e.notes)


def test_power_of_two_layers_use_no_dsp(pynq):
    fmt = Pow2Format(-3, 3)
    codes = fmt.encode(np.array([[1, 2, 0.5, -4], [8, -0.125, 0, 1], [0, 0, 0, 1]]))
    e = estimate_graph(dense_graph(fmt, weights=codes), pynq).layers[0]
    assert (e.multipliers, e.dsp, e.operand_bits) == (12, 0, None)
    assert any("power-of-two" in note for note in e.notes)


@pytest.mark.parametrize("a,b,ports,dsps", [
    ((16, 16, (25, 18), 1)), ((18, 25, (25, 18), 1)), ((26, 18, (25, 18), 2)),
    ((26, 18, (27, 18), 1)), ((32, 16, (25, 18), 2)), ((32, 32, (25, 18), 4)),
    ((32, 32, (27, 18), 4)), ((48, 18, (25, 18), 2))])
def test_dsps_per_multiplier(a, b, ports, dsps):
    assert dsps_per_multiplier(a, b, ports) == dsps


def test_dsp_pieces():
    assert [dsp_pieces(w, 18) for w in (1, 18, 19, 35, 36)] == [1, 1, 2, 2, 3]


def test_every_board_loads():
    from edgesmith.boards.fpga_boards import list_fpga_boards

    boards = {b.name: b for b in list_fpga_boards()}
    assert set(boards) == {"pynq-z2", "ultra96-v2", "zcu104", "alveo-u250"}
    assert boards["pynq-z2"].part == "xc7z020clg400-1"
    assert boards["ultra96-v2"].part == "xczu3eg-sbva484-1-e"
    assert boards["zcu104"].part == "xczu7ev-ffvc1156-2-e"
    assert boards["alveo-u250"].part == "xcu250-figd2104-2L-e"
    assert boards["pynq-z2"].multiplier_ports == (25, 18)
    assert boards["zcu104"].resources["dsp"] == 1728


def test_the_mcu_board_registry_ignores_fpga_boards():
    from edgesmith.boards.registry import list_boards

    names = {b.name for b in list_boards()}
    assert names and not names & {"pynq-z2", "ultra96-v2", "zcu104", "alveo-u250"}
