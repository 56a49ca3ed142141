"""The fixed, pow2 and sub-byte schemes: integer bits from ranges, power-of-two rounding
rules, which activations go below 8 bits, and the ops each scheme refuses."""

import numpy as np
import pytest

from edgesmith.errors import EdgesmithError, UnsupportedError
from edgesmith.ir import FixedFormat, Graph, Op, Pow2Format, Tensor, verify_graph
from edgesmith.quant import quantize_graph
from edgesmith.quant.fixed import bias_type, integer_bits
from edgesmith.quant.pow2 import exponent_range, round_to_pow2
from edgesmith.sim import simulate

from .graphs import dense, dense_pool_chain

CALIB = np.random.default_rng(0).normal(size=(32, 4, 4, 2)).astype(np.float32)


@pytest.mark.parametrize("lo,hi,width,expected", [
    (-1.0, 0.99, 8, 1),        # [-1, 1 - 2^-7]
    (-1.0, 1.0, 8, 2),         # 1.0 itself needs a second integer bit
    (0.0, 5.9, 16, 4),         # [-8, 8)
    (-0.2, 0.1, 8, -1),        # [-0.25, 0.25): all bits fractional
    (0.0, 0.0, 8, 1),
    (-300.0, 12.0, 12, 10),    # [-512, 512)
])
def test_integer_bits_hold_the_range(lo, hi, width, expected):
    assert integer_bits(lo, hi, width) == expected
    assert integer_bits(lo, hi, width, headroom=1) == expected + 1


def test_bias_sits_at_the_products_point_up_to_32_bits():
    assert bias_type(np.array([0.5, -3.0]), 20) == FixedFormat(23, 3, rounding="RND_CONV",
                                                               overflow="SAT")
    wide = bias_type(np.array([1000.0]), 40)  # 11 integer bits + 40 > 32: fewer fraction bits
    assert (wide.width, wide.integer_bits) == (32, 11)


def test_fixed_scheme_formats_and_accuracy():
    g = dense_pool_chain()
    q = quantize_graph(g, CALIB, scheme="fixed", act_bits=12, weight_bits=10, headroom=1)
    verify_graph(q)
    x = q.tensors["x"].fmt
    assert (x.width, x.rounding, x.overflow) == (12, "RND", "SAT")
    assert x.integer_bits == integer_bits(float(CALIB.min()), float(CALIB.max()), 12) + 1
    w = q.tensors[q.ops[0].inputs[1]].fmt
    assert (w.width, w.rounding, w.overflow) == (10, "RND_CONV", "SAT")
    ref = simulate(g, CALIB)["y"]
    out = q.tensors["y"].fmt.dequantize(simulate(q, x.quantize(CALIB))["y"])
    assert np.max(np.abs(out - ref)) < 0.05 * np.max(np.abs(ref))


@pytest.mark.parametrize("w,expected", [
    # 1.5 * 2^k is the tie: away from zero, to 2^(k+1); just below it, down to 2^k
    ([1.5, -1.5, 1.49, 0.75, 3.0], [2.0, -2.0, 1.0, 1.0, 4.0]),
    # zero threshold 2^(min_exp - 1) = 1/16 at min_exp -3: at it 1/8, below it 0
    ([0.0625, -0.0625, 0.0624, 0.1], [0.125, -0.125, 0.0, 0.125]),
    # above 2^max_exp: saturate to 2^max_exp = 4
    ([7.0, -100.0], [4.0, -4.0]),
])
def test_pow2_rounding_rules(w, expected):
    np.testing.assert_array_equal(round_to_pow2(np.array(w), -3, 2), expected)


def test_pow2_exponent_range_from_the_largest_weight():
    w = np.array([0.9, -0.3, 0.01])
    assert exponent_range(w, 4) == (-6, 0)      # 0.9 rounds to 2^0; 7 exponents
    assert exponent_range(w, 2) == (0, 0)       # a sign and one exponent: ternary
    assert exponent_range(w, 8) == (-62, 0)     # 63 exponents at most
    assert exponent_range(np.array([3.1]), 3) == (0, 2)      # 3.1 > 1.5 * 2: rounds to 2^2


def test_pow2_scheme_codes_every_mac_layer():
    g = dense_pool_chain()
    q = quantize_graph(g, CALIB, scheme="pow2", precision={"y:weight": "fixed<8,1>"})
    conv_w, dense_w = (q.tensors[q.ops[i].inputs[1]] for i in (0, 3))
    assert isinstance(conv_w.fmt, Pow2Format) and conv_w.fmt.bits == 4
    assert conv_w.dtype == "uint8"
    assert isinstance(dense_w.fmt, FixedFormat)  # the override keeps this layer fixed-point
    values = conv_w.fmt.dequantize(conv_w.data)
    magnitudes = np.abs(values[values != 0])
    np.testing.assert_array_equal(np.log2(magnitudes), np.round(np.log2(magnitudes)))


def test_subbyte_narrows_inner_activations_only():
    g = dense_pool_chain()
    q = quantize_graph(g, CALIB, scheme="int8", weight_bits=4, act_bits=2)
    verify_graph(q)
    bits = {n: q.tensors[n].fmt.bits for n in ("x", "c", "p", "r", "y")}
    assert bits == {"x": 8, "c": 2, "p": 2, "r": 2, "y": 8}
    w = q.tensors[q.ops[0].inputs[1]]
    assert w.fmt.bits == 4 and w.fmt.per_channel and np.abs(w.data).max() <= 7
    assert q.tensors[q.ops[0].inputs[1]].nbytes == (w.data.size + 1) // 2
    with pytest.raises(EdgesmithError, match="8, 4 or 2 bits"):
        quantize_graph(g, CALIB, scheme="int8", weight_bits=3)


def test_ops_without_fixed_kernels_are_refused_before_calibrating():
    g = dense([[1.0, 2.0]])
    g.add_tensor(Tensor("root", (1, 1), "float32"))
    g.add_op(Op("rsqrt", ["y"], ["root"]))
    g.outputs = ["root"]
    verify_graph(g)
    for scheme in ("fixed", "pow2"):
        with pytest.raises(UnsupportedError, match=r"op 1 \(rsqrt\) has no fixed-point kernel"):
            quantize_graph(g, None, scheme=scheme)


def test_unknown_scheme():
    with pytest.raises(EdgesmithError, match="available: int8, fixed, pow2"):
        quantize_graph(Graph("g"), None, scheme="float8")
