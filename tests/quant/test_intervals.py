"""Interval analysis of accumulators, checked by hand on a tiny dense layer."""

import warnings

import numpy as np
import pytest

from edgesmith.ir import FixedFormat
from edgesmith.quant import quantize_graph
from edgesmith.arith.intervals import accumulator_bound, accumulator_report

from .graphs import dense


def hand_quantized(activation="relu6"):
    """x fixed<8,3> (max |x| = 4, raw 128 at F = 5); w fixed<7,2> (F = 5); b fixed<16,6>."""
    g = dense([[0.5, -0.25], [1.0, 0.75]], [0.125, -1.0], activation)
    x, w, b, y = (g.tensors[n] for n in ("x", "w", "b", "y"))
    x.fmt, x.dtype = FixedFormat(8, 3), "int32"
    y.fmt, y.dtype = FixedFormat(8, 4, rounding="RND", overflow="SAT"), "int32"
    w.fmt, b.fmt = FixedFormat(7, 2), FixedFormat(16, 6)
    w.data, b.data = w.fmt.quantize(w.data), b.fmt.quantize(b.data)
    w.dtype = b.dtype = "int32"
    return g


def test_dense_bound_by_hand():
    g = hand_quantized()
    np.testing.assert_array_equal(g.tensors["w"].data, [[16, -8], [32, 24]])
    np.testing.assert_array_equal(g.tensors["b"].data, [128, -1024])
    acc = accumulator_bound(g.ops[0], g, 0)
    # products at 5 + 5 = 10 fractional bits, the bias too; relu6 needs only -1
    assert (acc.product_frac, acc.bias_frac, acc.acc_frac) == (10, 10, 10)
    # channel 0: (16 + 8) * 128 + 128 = 3200; channel 1: (32 + 24) * 128 + 1024 = 8192
    assert acc.bound == 8192  # real 8.0 = (1.0 + 0.75) * 4 + 1.0
    assert acc.bits == 15 and acc.required() == "fixed<15,5>"
    assert (acc.product_shift, acc.bias_shift) == (0, 0)


@pytest.mark.parametrize("override,overflow,loses", [
    ("fixed<15,5>", False, False),   # exactly the required accumulator
    ("fixed<14,4>", True, False),    # holds up to 8 - 2^-10: 8.0 overflows
    ("fixed<12,4>", True, True),     # coarser too: 8.0 rounds to 2048 > 2047
    ("fixed<24,16>", False, True),   # wide, but drops 2 fractional bits
])
def test_narrow_accumulator_override_is_reported(override, overflow, loses):
    g = hand_quantized()
    g.meta["accumulators"] = {"y": override}
    (acc,) = accumulator_report(g)
    assert (acc.may_overflow, acc.loses_bits) == (overflow, loses)
    assert acc.to_json()["required"] == "fixed<15,5>"


def test_quantizer_sizes_bias_and_warns_about_a_forced_accumulator():
    g = dense([[0.5, -0.25], [1.0, 0.75]], [0.125, -1.0])
    calib = np.random.default_rng(0).uniform(-3, 3, (64, 2)).astype(np.float32)
    with pytest.warns(UserWarning, match=r"op 0 \(fully_connected -> y\).*can overflow"):
        q = quantize_graph(g, calib, scheme="fixed", act_bits=8, weight_bits=6,
                           precision={"0:acc": "fixed<8,2>"})
    assert q.meta["accumulators"] == {"y": "fixed<8,2,RND,SAT>"}
    (acc,) = accumulator_report(q)
    x_fmt, w_fmt = q.tensors["x"].fmt, q.tensors[q.ops[0].inputs[1]].fmt
    b_fmt = q.tensors[q.ops[0].inputs[2]].fmt
    assert b_fmt.frac_bits == x_fmt.frac_bits + w_fmt.frac_bits == acc.acc_frac
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no forced accumulator: nothing to warn about
        quantize_graph(g, calib, scheme="fixed")
