"""Fixed-point graphs through simulate(): every kernel against exact arithmetic
followed by the FORMATS.md oracle (one quantization of the exact result)."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
from numpy.testing import assert_array_equal

from edgesmith.errors import EdgesmithError, UnsupportedError
from edgesmith.ir import FixedFormat, Graph, Op, Tensor, infer_shape, verify_graph, with_defaults
from edgesmith.sim import simulate

from .oracle import quantize, real

ACTIVATION_BOUNDS = {"none": (None, None), "relu": (0, None), "relu6": (0, 6),
                     "relu_n1_to_1": (-1, 1)}
X = FixedFormat(8, 3)
W = FixedFormat(6, 1)
B = FixedFormat(10, 4)
OUT = FixedFormat(8, 3, rounding="RND_CONV", overflow="SAT")


def expected(exact, fmt: FixedFormat, activation: str = "none") -> np.ndarray:
    """Exact values (Fractions), clamped by the activation, quantized once."""
    lo, hi = ACTIVATION_BOUNDS[activation]
    flat = [min(max(v, lo) if lo is not None else v, hi) if hi is not None else
            (max(v, lo) if lo is not None else v) for v in np.ravel(exact)]
    return np.array([quantize(v, fmt) for v in flat], np.int64).reshape(np.shape(exact))


def one_op_graph(op_type, inputs: dict, consts: dict, out_fmt, attrs) -> Graph:
    """inputs / consts: name -> (array with batch, format) / (array, format)."""
    g = Graph(op_type)
    for name, (arr, fmt) in inputs.items():
        g.add_tensor(Tensor(name, (1,) + arr.shape[1:], "int32", fmt))
    for name, (arr, fmt) in consts.items():
        g.add_const(name, arr.astype(np.int32), fmt)
    names = list(inputs) + list(consts)
    shapes = [g.tensors[n].shape for n in names]
    (shape,) = infer_shape(op_type, shapes, attrs)
    g.add_tensor(Tensor("y", shape, "int32", out_fmt))
    g.add_op(Op(op_type, names, ["y"], attrs, origin=f"test {op_type}"))
    g.inputs, g.outputs = list(inputs), ["y"]
    verify_graph(g)
    return g


def run(op_type, inputs, consts, out_fmt, attrs=None) -> np.ndarray:
    graph = one_op_graph(op_type, inputs, consts, out_fmt, attrs or {})
    return simulate(graph, {n: a.astype(np.int32) for n, (a, _) in inputs.items()})["y"]


def raw(rng, fmt: FixedFormat, shape) -> np.ndarray:
    return rng.integers(fmt.qmin, fmt.qmax + 1, size=shape, dtype=np.int64)


def exact_sums(products: np.ndarray, frac: int, bias: np.ndarray, bias_fmt) -> np.ndarray:
    """products: exact integer sums at `frac` fractional bits; plus the bias."""
    return np.vectorize(lambda p, b: Fraction(int(p), 2 ** frac) + real(b, bias_fmt),
                        otypes=[object])(products, bias)


@pytest.mark.parametrize("activation", list(ACTIVATION_BOUNDS))
def test_dense(activation):
    rng = np.random.default_rng(1)
    x, w, b = raw(rng, X, (5, 24)), raw(rng, W, (7, 24)), raw(rng, B, (7,))
    out = run("fully_connected", {"x": (x, X)}, {"w": (w, W), "b": (b, B)}, OUT,
              {"activation": activation})
    exact = exact_sums(x @ w.T, X.frac_bits + W.frac_bits, b, B)
    assert_array_equal(out, expected(exact, OUT, activation))


def reference_conv(x, w, attrs, depthwise):
    """Exact integer sums of an NHWC conv (padding adds nothing)."""
    a = with_defaults("depthwise_conv2d" if depthwise else "conv2d", attrs)
    (sh, sw), (dh, dw), (pt, pb, pl, pr) = a["stride"], a["dilation"], a["pads"]
    xp = np.pad(x, ((0, 0), (pt, pb), (pl, pr), (0, 0)))
    kh, kw = w.shape[1], w.shape[2]
    oh = (xp.shape[1] - (kh - 1) * dh - 1) // sh + 1
    ow = (xp.shape[2] - (kw - 1) * dw - 1) // sw + 1
    out_c = w.shape[3] if depthwise else w.shape[0]
    result = np.zeros((x.shape[0], oh, ow, out_c), np.int64)
    for oy in range(oh):
        for ox in range(ow):
            patch = xp[:, oy * sh:oy * sh + (kh - 1) * dh + 1:dh,
                       ox * sw:ox * sw + (kw - 1) * dw + 1:dw, :]
            if depthwise:
                taps = np.repeat(patch, a["depth_multiplier"], axis=3)
                result[:, oy, ox, :] = (taps * w[0]).sum(axis=(1, 2))
            else:
                result[:, oy, ox, :] = np.tensordot(patch, w, axes=([1, 2, 3], [1, 2, 3]))
    return result


@pytest.mark.parametrize("depthwise, attrs", [
    (False, {"stride": (2, 1), "dilation": (1, 2), "pads": (1, 2, 2, 0), "activation": "relu6"}),
    (False, {"pads": (1, 1, 1, 1)}),
    (True, {"depth_multiplier": 2, "stride": (1, 2), "pads": (0, 1, 1, 1),
            "activation": "relu"}),
])
def test_convolutions(depthwise, attrs):
    rng = np.random.default_rng(2)
    x = raw(rng, X, (2, 6, 5, 3))
    w_shape = (1, 3, 2, 6) if depthwise else (4, 3, 3, 3)
    w, b = raw(rng, W, w_shape), raw(rng, B, (w_shape[3] if depthwise else w_shape[0],))
    op_type = "depthwise_conv2d" if depthwise else "conv2d"
    out = run(op_type, {"x": (x, X)}, {"w": (w, W), "b": (b, B)}, OUT, attrs)
    sums = reference_conv(x, w, attrs, depthwise)
    exact = exact_sums(sums, X.frac_bits + W.frac_bits, np.broadcast_to(b, sums.shape), B)
    assert_array_equal(out, expected(exact, OUT, attrs.get("activation", "none")))


@pytest.mark.parametrize("op_type", ["avg_pool2d", "max_pool2d"])
def test_pooling_counts_only_cells_inside_the_image(op_type):
    rng = np.random.default_rng(3)
    x = raw(rng, X, (2, 5, 4, 3))
    attrs = {"kernel": (3, 2), "stride": (2, 2), "pads": (1, 1, 0, 1)}
    out_fmt = FixedFormat(6, 2, rounding="RND_INF", overflow="SAT")  # coarser: the mean rounds
    out = run(op_type, {"x": (x, X)}, {}, out_fmt, attrs)
    exact = np.empty(out.shape, object)
    for index in np.ndindex(out.shape):
        n, oy, ox, c = index
        cells = [int(x[n, y, col, c]) for y in range(2 * oy - 1, 2 * oy + 2)
                 for col in range(2 * ox, 2 * ox + 2) if 0 <= y < 5 and col < 4]
        value = Fraction(sum(cells), len(cells)) if op_type == "avg_pool2d" else max(cells)
        exact[index] = Fraction(value) / 2 ** X.frac_bits
    assert_array_equal(out, expected(exact, out_fmt))


@pytest.mark.parametrize("op_type, activation", [("add", "none"), ("add", "relu"),
                                                  ("mul", "none"), ("mul", "relu_n1_to_1")])
def test_add_and_mul_are_exact_then_quantized_once(op_type, activation):
    rng = np.random.default_rng(4)
    a_fmt, b_fmt = FixedFormat(8, 2), FixedFormat(10, 6, signed=False)
    a, b = raw(rng, a_fmt, (3, 4, 5)), raw(rng, b_fmt, (1, 5))  # b broadcasts
    out_fmt = FixedFormat(9, 5, rounding="RND", overflow="WRAP")
    out = run(op_type, {"a": (a, a_fmt)}, {"b": (b[0], b_fmt)}, out_fmt,
              {"activation": activation})
    fa, fb = (np.vectorize(lambda v, f=f: real(v, f), otypes=[object]) for f in (a_fmt, b_fmt))
    exact = fa(a) + fb(b) if op_type == "add" else fa(a) * fb(b)
    assert_array_equal(out, expected(exact, out_fmt, activation))


@pytest.mark.parametrize("op_type", ["relu", "relu6", "relu_n1_to_1"])
def test_relu_family(op_type):
    x_fmt = FixedFormat(10, 5)
    x = np.arange(x_fmt.qmin, x_fmt.qmax + 1).reshape(1, -1)
    out_fmt = FixedFormat(7, 3, signed=False, rounding="RND_ZERO", overflow="SAT_SYM")
    out = run(op_type, {"x": (x, x_fmt)}, {}, out_fmt)
    exact = np.vectorize(lambda v: real(v, x_fmt), otypes=[object])(x)
    assert_array_equal(out, expected(exact, out_fmt, op_type))


def test_concat_casts_each_input_and_reshape_keeps_raw_values():
    f1, f2 = FixedFormat(8, 3), FixedFormat(6, 0, signed=False)
    x1, x2 = np.array([[[-128, 127, 5]]]), np.array([[[63, 1]]])
    out_fmt = FixedFormat(8, 4, rounding="RND", overflow="SAT")
    out = run("concat", {"a": (x1, f1), "b": (x2, f2)}, {}, out_fmt, {"axis": 2})
    # -4, 3.97 -> 4, 0.156 -> 0.1875 (tie up), 0.98 -> 1, 1/64 -> 0, at LSB 1/16
    assert out.tolist() == [[[-64, 64, 3, 16, 0]]]
    flat = run("reshape", {"x": (x1, f1)}, {}, f1, {"shape": (1, 3)})
    assert flat.tolist() == [[-128, 127, 5]]
    with pytest.raises(UnsupportedError, match="reshape cannot change"):
        run("reshape", {"x": (x1, f1)}, {}, out_fmt, {"shape": (1, 3)})


def test_concat_joins_a_constant_input_to_every_sample():
    fx, fc = FixedFormat(8, 3), FixedFormat(6, 0, signed=False)
    x = np.array([[[-128, 127]], [[0, 1]], [[5, -5]]])  # three samples
    out_fmt = FixedFormat(8, 4, rounding="RND", overflow="SAT")
    out = run("concat", {"x": (x, fx)}, {"c": (np.array([[[63, 8]]]), fc)}, out_fmt,
              {"axis": 2})
    # at LSB 1/16, RND (ties up): 1/32 -> 1/16, +-5/32 -> 3/16 and -2/16; the constant
    # 63/64 -> 1 and 1/8 joins each sample's values
    assert out.tolist() == [[[-64, 64, 16, 2]], [[0, 1, 16, 2]], [[3, -2, 16, 2]]]


def test_quantize_dequantize_and_requantize():
    g = Graph("q")
    f1, f2 = FixedFormat(8, 3, rounding="RND", overflow="SAT"), FixedFormat(5, 1, rounding="TRN")
    g.add_tensor(Tensor("x", (1, 4), "float32"))
    g.add_tensor(Tensor("q1", (1, 4), "int32", f1))
    g.add_tensor(Tensor("q2", (1, 4), "int32", f2))
    g.add_tensor(Tensor("y", (1, 4), "float32"))
    g.add_op(Op("quantize", ["x"], ["q1"]))
    g.add_op(Op("quantize", ["q1"], ["q2"]))
    g.add_op(Op("dequantize", ["q2"], ["y"]))
    g.inputs, g.outputs = ["x"], ["y"]
    verify_graph(g)
    out = simulate(g, np.array([[1.3, -0.8, 9.0, 0.03]], np.float32), keep_intermediates=True)
    # 1.3 -> 42/32 (1.3125), -0.8 -> -26/32, 9 -> 127/32 (SAT), 0.03 -> 1/32
    assert out["q1"].tolist() == [[42, -26, 127, 1]]
    # TRN at LSB 1/16, WRAP into 5 bits ([-1, 0.9375]): 1.3125 -> -0.6875, -0.8125,
    # 3.97 -> 3.9375 -> -0.0625, 1/32 -> 0
    assert out["q2"].tolist() == [[-11, -13, -1, 0]]
    assert out["y"].tolist() == [[-0.6875, -0.8125, -0.0625, 0.0]]


def test_wrong_width_type_and_unsupported_ops_are_named():
    with pytest.raises(UnsupportedError, match="no fixed-point kernel for 'rsqrt'"):
        run("rsqrt", {"x": (np.zeros((1, 4)), X)}, {}, X)
    with pytest.raises(EdgesmithError, match="outside its 8-bit type"):
        run("relu", {"x": (np.array([[300]]), X)}, {}, X)
    x, w, b = np.zeros((1, 2)), np.zeros((1, 2)), np.zeros(1)
    integers, tiny_lsb = FixedFormat(32, 32), FixedFormat(8, -56)
    with pytest.raises(EdgesmithError, match="more than 126 bits"):  # 64-bit products at 2^-64
        run("fully_connected", {"x": (x, integers)}, {"w": (w, integers), "b": (b, tiny_lsb)}, X)
