"""Power-of-two weights: the code layout, and shift-only layers equal to multiplying ones."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_array_equal

from edgesmith import _sim
from edgesmith.ir import (FixedFormat, Graph, NumberFormat, Op, Pow2Format, Tensor, infer_shape,
                          verify_graph)
from edgesmith.sim import simulate


def test_documented_code_layout():
    fmt = Pow2Format(-6, 0)
    assert (fmt.exponent_bits, fmt.bits, fmt.storage_dtype) == (3, 4, "uint8")
    assert fmt.encode([1.0, -2.0 ** -6, 0.0, 0.25]).tolist() == [0b0111, 0b1001, 0, 0b0101]
    with pytest.raises(ValueError, match="invalid pow2 code 8"):
        fmt.decode([0b1000])  # a negative zero
    with pytest.raises(ValueError, match="invalid pow2 code"):
        _sim.pow2_decode(np.array([0b1000], np.uint8), fmt.sim_code())


pow2_formats = st.builds(lambda lo, span: Pow2Format(lo, lo + span),
                         st.integers(-64, 40), st.integers(0, 24))


@settings(max_examples=200, deadline=None)
@given(fmt=pow2_formats, data=st.data())
def test_encode_decode_round_trip_with_edge_values(fmt, data):
    exponents = st.sampled_from([fmt.min_exp, fmt.max_exp]) | st.integers(fmt.min_exp, fmt.max_exp)
    weights = data.draw(st.lists(st.tuples(st.sampled_from([-1, 0, 1]), exponents), min_size=1,
                                 max_size=32))
    values = np.array([s * 2.0 ** k for s, k in weights])
    codes = fmt.encode(values)
    assert codes.dtype == np.uint8 and int(codes.max()) < (1 << fmt.bits)
    assert_array_equal(fmt.dequantize(codes), values.astype(np.float32))
    # the simulator reads the same layout
    sign, exponent = fmt.decode(codes)
    sim_sign, sim_exponent = _sim.pow2_decode(codes, fmt.sim_code())
    assert_array_equal(sign, sim_sign)
    assert_array_equal(exponent, sim_exponent)


@pytest.mark.parametrize("value", [3.0, 2.0 ** -7, 2.0 ** 1, np.inf, np.nan, 0.75])
def test_values_that_are_not_powers_in_range_are_refused(value):
    with pytest.raises(ValueError, match="not 0 or"):
        Pow2Format(-6, 0).encode([value])


def test_json_and_refusals():
    fmt = Pow2Format(-7, 2)
    assert NumberFormat.from_json(fmt.to_json()) == fmt
    assert fmt.describe() == "pow2<-7..2>"
    for args in [(3, 2), (-100, 0), (0, 70), (-40, 40)]:
        with pytest.raises(ValueError):
            Pow2Format(*args)


def _mac_graph(op_type, x_shape, w, w_fmt, out_fmt, attrs) -> Graph:
    g = Graph("pow2")
    x_fmt = FixedFormat(8, 3)
    g.add_tensor(Tensor("x", x_shape, "int32", x_fmt))
    g.add_const("w", w, w_fmt)
    out_c = w.shape[3] if op_type == "depthwise_conv2d" else w.shape[0]
    g.add_const("b", np.arange(out_c, dtype=np.int32) * 37 - 50, FixedFormat(12, 5))
    (y_shape,) = infer_shape(op_type, [x_shape, w.shape, (out_c,)], attrs)
    g.add_tensor(Tensor("y", y_shape, "int32", out_fmt))
    g.add_op(Op(op_type, ["x", "w", "b"], ["y"], attrs))
    g.inputs, g.outputs = ["x"], ["y"]
    verify_graph(g)
    return g


@pytest.mark.parametrize("op_type, x_shape, w_shape, attrs", [
    ("fully_connected", (1, 20), (6, 20), {"activation": "relu"}),
    ("conv2d", (1, 7, 6, 3), (4, 3, 2, 3),
     {"stride": (2, 1), "dilation": (1, 2), "pads": (1, 2, 0, 1)}),
    ("depthwise_conv2d", (1, 6, 6, 2), (1, 3, 3, 4),
     {"depth_multiplier": 2, "pads": (1, 1, 1, 1), "activation": "relu6"}),
])
def test_shift_layers_equal_fixed_point_layers_with_the_same_weights(op_type, x_shape, w_shape,
                                                                     attrs):
    rng = np.random.default_rng(7)
    pow2 = Pow2Format(-5, 2)
    sign = rng.integers(-1, 2, size=w_shape)
    exponent = rng.integers(pow2.min_exp, pow2.max_exp + 1, size=w_shape)
    codes = pow2.encode(sign * np.ldexp(1.0, exponent))
    # the same weights as fixed-point raw integers sign * 2^(k - min_exp), LSB 2^min_exp
    span = pow2.max_exp - pow2.min_exp
    fixed_w = FixedFormat(span + 2, span + 2 + pow2.min_exp)
    raw_w = (sign * (1 << (exponent - pow2.min_exp))).astype(np.int32)
    out = FixedFormat(10, 5, rounding="RND_CONV", overflow="SAT")
    x = rng.integers(-128, 128, size=(3,) + x_shape[1:], dtype=np.int32)
    shifted = simulate(_mac_graph(op_type, x_shape, codes, pow2, out, attrs), x)["y"]
    multiplied = simulate(_mac_graph(op_type, x_shape, raw_w, fixed_w, out, attrs), x)["y"]
    assert_array_equal(shifted, multiplied)
    assert np.unique(shifted).size > 3  # not all saturated


def test_exact_dense_example():
    # x = [1.5, -2], w = [2^-1, -2^1] -> 0.75 + 4 = 4.75, bias 0.25 -> 5.0
    g = Graph("pow2_dense")
    g.add_tensor(Tensor("x", (1, 2), "int32", FixedFormat(8, 4)))  # LSB 1/16
    g.add_const("w", Pow2Format(-1, 1).encode([[0.5, -2.0]]), Pow2Format(-1, 1))
    g.add_const("b", np.array([1], np.int32), FixedFormat(4, 2))  # LSB 1/4
    g.add_tensor(Tensor("y", (1, 1), "int32", FixedFormat(8, 4)))
    g.add_op(Op("fully_connected", ["x", "w", "b"], ["y"]))
    g.inputs, g.outputs = ["x"], ["y"]
    assert simulate(g, np.array([[24, -32]], np.int32))["y"].tolist() == [[80]]
