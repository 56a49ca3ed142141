"""4- and 2-bit affine graphs: int8 arithmetic, the sub-byte range, one packing."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.testing import assert_array_equal

from edgesmith.errors import EdgesmithError, UnsupportedError
from edgesmith.ir import AffineFormat, Graph, Op, Tensor, verify_graph
from edgesmith.ir.packing import pack_subbyte, unpack_subbyte
from edgesmith.arith.multiplier import quantize_multiplier
from edgesmith.sim import simulate

from tests.ops.exact_requant import requantize

X4 = AffineFormat([0.5], [-1], bits=4)
Y4 = AffineFormat([0.75], [-3], bits=4)
W_SCALES = [0.05, 0.1, 0.2]


def pointwise_graph(x_fmt, w_bits, y_fmt, activation="relu") -> Graph:
    """A 1x1 conv2d: NHWC [1, 3, 3, 4] -> 3 channels, per-channel symmetric weights."""
    g = Graph("s4_conv")
    g.add_tensor(Tensor("x", (1, 3, 3, 4), "int8", x_fmt))
    w = (np.arange(12, dtype=np.int8).reshape(3, 1, 1, 4) % 15) - 7  # [-7, 4]
    g.add_const("w", w, AffineFormat(W_SCALES, [0, 0, 0], axis=0, bits=w_bits))
    bias_scales = [float(np.float32(x_fmt.scale[0]) * np.float32(s)) for s in W_SCALES]
    g.add_const("b", np.array([300, -45, 7], np.int32),  # channel 0 saturates
                AffineFormat(bias_scales, [0, 0, 0], axis=0, bits=32))
    g.add_tensor(Tensor("y", (1, 3, 3, 3), y_fmt.storage_dtype, y_fmt))
    g.add_op(Op("conv2d", ["x", "w", "b"], ["y"], {"activation": activation}))
    g.inputs, g.outputs = ["x"], ["y"]
    verify_graph(g)
    return g


def test_s4_conv_is_int8_arithmetic_clamped_to_four_bits():
    graph = pointwise_graph(X4, 4, Y4)
    x = np.random.default_rng(5).integers(-8, 8, size=(4, 3, 3, 4), dtype=np.int8)
    ours = simulate(graph, x)["y"]
    w, b = graph.tensors["w"].data.astype(np.int64), graph.tensors["b"].data
    expected = np.empty_like(ours)
    for index in np.ndindex(ours.shape):
        n, i, j, c = index
        acc = int(((x[n, i, j].astype(np.int64) + 1) * w[c, 0, 0]).sum()) + int(b[c])
        multiplier, shift = quantize_multiplier(0.5 * float(np.float32(W_SCALES[c])) / 0.75)
        value = requantize(acc, multiplier, shift) - 3
        expected[index] = min(max(value, -3), 7)  # relu: the zero point; 4 bits: 7
    assert_array_equal(ours, expected)
    assert ours.max() == 7 and ours.min() == -3  # both ends of the range are reached


def test_four_bit_weights_with_int8_activations_change_nothing():
    int8 = AffineFormat([0.5], [-1])
    x = np.random.default_rng(6).integers(-128, 128, size=(2, 3, 3, 4), dtype=np.int8)
    four = simulate(pointwise_graph(int8, 4, int8, "none"), x)["y"]
    eight = simulate(pointwise_graph(int8, 8, int8, "none"), x)["y"]
    assert_array_equal(four, eight)


def test_two_bit_quantize_and_dequantize():
    g = Graph("s2")
    s2 = AffineFormat([0.5], [0], bits=2)
    g.add_tensor(Tensor("x", (1, 6), "float32"))
    g.add_tensor(Tensor("q", (1, 6), "int8", s2))
    g.add_tensor(Tensor("y", (1, 6), "float32"))
    g.add_op(Op("quantize", ["x"], ["q"]))
    g.add_op(Op("dequantize", ["q"], ["y"]))
    g.inputs, g.outputs = ["x"], ["y"]
    out = simulate(g, np.array([[-3.0, -1.0, -0.2, 0.3, 0.5, 9.0]], np.float32),
                   keep_intermediates=True)
    assert out["q"].tolist() == [[-2, -2, 0, 1, 1, 1]]
    assert out["y"].tolist() == [[-1.0, -1.0, 0.0, 0.5, 0.5, 0.5]]


def test_values_outside_the_sub_byte_range_are_refused():
    x = np.full((1, 3, 3, 4), 8, np.int8)  # 8 does not fit 4 bits
    with pytest.raises(UnsupportedError, match=r"outside the 4-bit range \[-8, 7\]"):
        simulate(pointwise_graph(X4, 4, Y4), x)


def test_unsigned_sub_byte_tensors_are_refused():
    graph = pointwise_graph(X4, 4, AffineFormat([0.75], [3], bits=4, signed=False))
    with pytest.raises(EdgesmithError, match="unsigned 4-bit"):
        simulate(graph, np.zeros((1, 3, 3, 4), np.int8))


def test_weights_pack_and_unpack_to_the_same_values():
    w = pointwise_graph(X4, 4, Y4).tensors["w"].data
    packed = pack_subbyte(w, 4)
    assert packed.size == w.size // 2
    assert_array_equal(unpack_subbyte(packed, 4, w.size, signed=True).reshape(w.shape), w)
