"""es_sub_fx, es_maximum_fx, es_minimum_fx, es_squared_difference_fx, es_prelu_fx,
es_leaky_relu_fx, es_abs_fx, es_elu_fx and es_hard_swish_fx against the simulator: every
rounding and overflow mode, broadcasting and constant operands, extreme raw values, the
widest operands the int64 kernels take, and the refusals beyond them."""

import itertools

import numpy as np
import pytest
from edgesmith.codegen.c_params import kernel_params
from edgesmith.errors import UnsupportedError
from edgesmith.ir import FixedFormat
from edgesmith.ir.fixed import OVERFLOW_MODES, ROUNDING_MODES

from .formats_harness import assert_c_equals_simulator, one_op
from .test_elementwise_fx import SHAPES
from .test_layers_fx import ACTIVATIONS, random_type, raw

MODES = list(itertools.product(ROUNDING_MODES, OVERFLOW_MODES))
BINARY = ("sub", "maximum", "minimum", "squared_difference", "prelu")


def castable(out: FixedFormat, source: FixedFormat) -> FixedFormat:
    """``out``, or ``out`` with fractional bits enough that a cast from ``source`` is not one
    the ap_types headers abort on (an LSB of at least 2^(I+1) of the source)."""
    if -out.frac_bits <= source.integer_bits:
        return out
    return FixedFormat(out.width, out.width + source.integer_bits, rounding=out.rounding,
                       overflow=out.overflow)


@pytest.mark.parametrize("op_type", BINARY)
@pytest.mark.parametrize("rounding,overflow", MODES)
def test_binary_every_mode(rng, op_type, rounding, overflow):
    for shape_a, shape_b in SHAPES:
        fa, fb = random_type(rng), random_type(rng, (2, 14), (-6, 8))
        out = random_type(rng, (2, 24), (-4, 20), rounding=rounding, overflow=overflow)
        a = raw(rng, fa, shape_a, extremes=bool(rng.integers(2)))
        b = raw(rng, fb, shape_b, extremes=True)
        attrs = {"activation": str(rng.choice(ACTIVATIONS))} if op_type == "sub" else {}
        constant = op_type == "prelu" or bool(rng.integers(2))  # prelu's alpha is a constant
        b_input = (b[0:1], fb, True) if constant else (np.broadcast_to(
            b, (shape_a[0],) + shape_b[1:]).copy(), fb, False)
        assert_c_equals_simulator(*one_op(op_type, [(a, fa, False), b_input], out, attrs))


@pytest.mark.parametrize("op_type", BINARY)
def test_binary_extremes_of_wide_operands(op_type):
    """qmin and qmax of 31-bit operands meet, at binary points up to 30 bits apart."""
    fa = FixedFormat(31, 20)
    fb = FixedFormat(16, 3) if op_type == "squared_difference" else FixedFormat(31, 25)
    edges = np.array([fa.qmin, fa.qmax, 0, 1, -1, fa.qmin + 1], np.int32)
    a = np.tile(edges, (1, 6)).reshape(1, 36)
    b = np.repeat(np.array([fb.qmin, fb.qmax, 0, 1, -1, fb.qmax - 1], np.int32), 6).reshape(1, 36)
    if op_type == "squared_difference":
        fa, a = FixedFormat(16, 8), np.clip(a, -(1 << 15), (1 << 15) - 1)
    for out in (FixedFormat(32, 30, rounding="RND_CONV", overflow="SAT"),
                FixedFormat(16, 4, rounding="RND", overflow="WRAP"),
                FixedFormat(8, 12, rounding="TRN", overflow="SAT_SYM")):
        assert_c_equals_simulator(*one_op(op_type, [(a, fa, False), (b, fb, op_type == "prelu")],
                                          out))


def test_products_beyond_int64_are_refused():
    wide = FixedFormat(32, 16)
    for op_type in ("squared_difference", "prelu"):
        graph, _ = one_op(op_type, [(np.zeros((1, 4), np.int32), wide, False),
                                    (np.zeros((1, 4), np.int32), wide, op_type == "prelu")],
                          FixedFormat(16, 8))
        with pytest.raises(UnsupportedError, match="beyond the int64 kernel"):
            kernel_params(graph.ops[0], graph)


@pytest.mark.parametrize("alpha", [0.2, 0.01, -0.75, 3.0, 0.0])
def test_leaky_relu(rng, alpha):
    for rounding, overflow in MODES[::4]:
        fx = random_type(rng, (4, 31), (-3, 12))
        out = random_type(rng, (2, 24), (-4, 14), rounding=rounding, overflow=overflow)
        x = raw(rng, fx, (3, 40), extremes=True)
        assert_c_equals_simulator(*one_op("leaky_relu", [(x, fx, False)], out, {"alpha": alpha}))


@pytest.mark.parametrize("rounding,overflow", MODES)
def test_abs(rng, rounding, overflow):
    for signed in (True, False):
        fx = random_type(rng, (2, 31 if signed else 30), (-3, 12))
        fx = FixedFormat(fx.width, fx.integer_bits, signed=signed)
        out = castable(random_type(rng, (2, 24), (-4, 14), rounding=rounding,
                                   overflow=overflow), fx)
        x = raw(rng, fx, (2, 30), extremes=True)
        x[0, 0] = fx.qmin  # |qmin| is one above qmax
        assert_c_equals_simulator(*one_op("abs", [(x, fx, False)], out))


@pytest.mark.parametrize("op_type", ["elu", "hard_swish"])
@pytest.mark.parametrize("rounding,overflow", MODES[::3])
def test_table_with_identity(rng, op_type, rounding, overflow):
    for width, integer in ((12, 5), (8, 2), (16, 10), (6, -1), (20, 4)):
        fx = FixedFormat(width, integer)
        out = random_type(rng, (4, 20), (1, 8), rounding=rounding, overflow=overflow)
        x = np.arange(fx.qmin, fx.qmax + 1, max(1, (fx.qmax - fx.qmin) // 4000))
        x = np.concatenate([x, [fx.qmax]]).astype(np.int32).reshape(1, -1)
        assert_c_equals_simulator(*one_op(op_type, [(x, fx, False)], out))


REDUCE_AXES = [(1, 2), (3,), (1, 2, 3), (2,), (-1, 1)]


@pytest.mark.parametrize("op_type", ["mean", "sum", "reduce_max", "reduce_min"])
@pytest.mark.parametrize("rounding,overflow", MODES[::2])
def test_reductions(rng, op_type, rounding, overflow):
    for axes in REDUCE_AXES:
        fx = random_type(rng, (3, 31), (-3, 12))
        out = castable(random_type(rng, (3, 24), (fx.integer_bits - 2, fx.integer_bits + 6),
                                   rounding=rounding, overflow=overflow), fx)
        x = raw(rng, fx, (2, 3, 5, 4), extremes=True)
        x[0] = fx.qmin  # a box of extremes: the widest sums, the most negative mean
        attrs = {"axes": axes, "keepdims": bool(rng.integers(2))}
        assert_c_equals_simulator(*one_op(op_type, [(x, fx, False)], out, attrs))
