"""The fixed-point simulator's sub, maximum, minimum, squared_difference, prelu, leaky_relu
and abs against exact rationals and the FORMATS.md oracle (one quantization of the exact
result), on edge values: extremes of every operand, ties of every rounding mode,
saturation and wrap-around; elu and hard_swish tables against their identity part."""

from __future__ import annotations

import itertools
from fractions import Fraction

import numpy as np
import pytest
from numpy.testing import assert_array_equal

from edgesmith.arith.fixed_alpha import leaky_relu_alpha
from edgesmith.arith.fixed_tables import lookup_table
from edgesmith.ir import FixedFormat, Op
from edgesmith.ir.fixed import OVERFLOW_MODES, ROUNDING_MODES

from .oracle import quantize, real
from .test_fixed_kernels import ACTIVATION_BOUNDS, one_op_graph, run

MODES = list(itertools.product(ROUNDING_MODES, OVERFLOW_MODES))
EXACT = {
    "sub": lambda a, b: a - b,
    "maximum": max,
    "minimum": min,
    "squared_difference": lambda a, b: (a - b) ** 2,
    "prelu": lambda a, b: a if a >= 0 else a * b,
}


def edges(fmt: FixedFormat, n: int, rng) -> np.ndarray:
    """n raw values of ``fmt``: its extremes, 0 and +-1 LSB first, then random ones."""
    fixed = np.array([fmt.qmin, fmt.qmax, 0, 1, -1 if fmt.signed else 2, fmt.qmin + 1])
    return np.concatenate([fixed, rng.integers(fmt.qmin, fmt.qmax + 1, n - fixed.size)])


def oracle(op_type, a, fa, b, fb, out, activation="none") -> np.ndarray:
    lo, hi = ACTIVATION_BOUNDS[activation]
    values = []
    for x, y in zip(a.ravel(), b.ravel()):
        v = EXACT[op_type](real(x, fa), real(y, fb))
        v = v if lo is None else max(v, lo)
        v = v if hi is None else min(v, hi)
        values.append(quantize(v, out))
    return np.array(values, np.int64).reshape(a.shape)


@pytest.mark.parametrize("op_type", list(EXACT))
@pytest.mark.parametrize("rounding,overflow", MODES)
def test_binary_ops_equal_the_oracle(op_type, rounding, overflow):
    rng = np.random.default_rng(len(op_type) * 100 + MODES.index((rounding, overflow)))
    # operands at different binary points; a narrow output so that ties and overflow occur
    fa, fb = FixedFormat(8, 3), FixedFormat(6, 1 if op_type == "prelu" else 4)
    out = FixedFormat(7, 5 if op_type == "squared_difference" else 3, rounding=rounding,
                      overflow=overflow)
    a = edges(fa, 36, rng)
    b = np.repeat(edges(fb, 6, rng), 6)  # every extreme of a meets every extreme of b
    activation = "none" if op_type in ("maximum", "minimum", "squared_difference",
                                       "prelu") else str(rng.choice(list(ACTIVATION_BOUNDS)))
    attrs = {"activation": activation} if op_type == "sub" else {}
    got = run(op_type, {"a": (a.reshape(1, -1), fa), "b": (b.reshape(1, -1), fb)}, {}, out,
              attrs)
    assert_array_equal(got, oracle(op_type, a, fa, b, fb, out, activation).reshape(1, -1))


def test_sub_of_a_constant_broadcasts():
    fx, fc = FixedFormat(10, 4), FixedFormat(5, 2)
    out = FixedFormat(8, 4, rounding="RND_CONV", overflow="SAT")
    x = np.arange(-512, 512, 37).reshape(1, 4, -1)[:, :, :7]
    shift = np.array([[-16, 15, 0, 1, -1, 7, 3]])
    got = run("sub", {"x": (x, fx)}, {"c": (shift, fc)}, out)
    want = oracle("sub", x, fx, np.broadcast_to(shift, x.shape), fc, out)
    assert_array_equal(got, want)


@pytest.mark.parametrize("alpha", [0.2, 0.01, 0.3, -0.5, 1.5, 0.0])
def test_leaky_relu_uses_the_exact_float32_alpha(alpha):
    x_fmt, out = FixedFormat(10, 4), FixedFormat(8, 2, rounding="RND", overflow="SAT")
    op = Op("leaky_relu", ["x"], ["y"], {"alpha": alpha})
    raw, fmt = leaky_relu_alpha(op)
    assert real(raw, fmt) == Fraction(float(np.float32(alpha)))  # no rounding of alpha
    x = np.arange(x_fmt.qmin, x_fmt.qmax + 1).reshape(1, -1)
    got = run("leaky_relu", {"x": (x, x_fmt)}, {}, out, {"alpha": alpha})
    want = [quantize(v if v >= 0 else v * real(raw, fmt), out)
            for v in (real(r, x_fmt) for r in x.ravel())]
    assert_array_equal(got.ravel(), want)


@pytest.mark.parametrize("signed", [True, False])
def test_abs_of_every_raw_value(signed):
    x_fmt = FixedFormat(6, 2, signed=signed)
    out = FixedFormat(5, 2, rounding="RND_INF", overflow="SAT_SYM")  # |qmin| saturates
    x = np.arange(x_fmt.qmin, x_fmt.qmax + 1).reshape(1, -1)
    got = run("abs", {"x": (x, x_fmt)}, {}, out)
    assert_array_equal(got.ravel(), [quantize(abs(real(r, x_fmt)), out) for r in x.ravel()])


@pytest.mark.parametrize("op_type,point", [("elu", 0), ("hard_swish", 3)])
def test_tables_are_the_identity_from_their_point(op_type, point):
    x_fmt = FixedFormat(12, 5)
    out = FixedFormat(10, 5, rounding="RND", overflow="SAT")
    x = np.arange(x_fmt.qmin, x_fmt.qmax + 1).reshape(1, -1)
    got = run(op_type, {"x": (x, x_fmt)}, {}, out).ravel()
    values = [real(r, x_fmt) for r in x.ravel()]
    identity = np.array([v >= point for v in values])
    assert_array_equal(got[identity], [quantize(v, out) for v, i in zip(values, identity) if i])
    graph = one_op_graph(op_type, {"x": (x, x_fmt)}, {}, out, {})
    table = lookup_table(graph.ops[0], graph)
    below = x.ravel()[~identity]
    index = np.clip((below >> table.shift) + table.offset, 0, len(table.values) - 1)
    assert_array_equal(got[~identity], table.values[index])
    if op_type == "hard_swish":  # 0 below -3, whatever the table's end
        assert not np.any(got[np.array(values) <= -3])
    else:  # elu tends to -1: the most negative inputs give -1 within an output LSB
        assert abs(real(got[0], out) + 1) <= Fraction(1, 2 ** out.frac_bits)


@pytest.mark.parametrize("op_type", ["mean", "sum", "reduce_max", "reduce_min"])
@pytest.mark.parametrize("rounding,overflow", MODES[::3])
def test_reductions_equal_the_oracle(op_type, rounding, overflow):
    rng = np.random.default_rng(7)
    x_fmt = FixedFormat(8, 3)
    out = FixedFormat(7, 4, rounding=rounding, overflow=overflow)
    x = rng.integers(x_fmt.qmin, x_fmt.qmax + 1, (3, 2, 3, 4))
    x[0] = x_fmt.qmax  # saturating sums; a mean exactly at the top
    x[1, :, :, 0] = [[1, 0, 0], [0, 0, 0]]  # a mean of 1/6 LSB: every mode rounds it
    got = run(op_type, {"x": (x, x_fmt)}, {}, out, {"axes": (1, 2), "keepdims": False})
    pick = {"mean": lambda v: sum(v) / len(v), "sum": sum, "reduce_max": max,
            "reduce_min": min}[op_type]
    want = [[quantize(pick([real(r, x_fmt) for r in x[s, :, :, c].ravel()]), out)
             for c in range(4)] for s in range(3)]
    assert_array_equal(got, want)
