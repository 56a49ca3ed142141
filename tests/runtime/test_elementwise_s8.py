"""es_add_s8, es_mul_s8, es_requantize_s8 and es_relu_s8 against the golden simulator."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from .harness import fmt, per_sample, random_int8, random_scale, random_zero_point, single_op

ACTIVATIONS = ("none", "relu", "relu6", "relu_n1_to_1")

# per-sample shapes (batch first) of a, b; b may be a constant (no batch axis)
BROADCASTS = [
    ((1, 4, 5, 3), (1, 4, 5, 3)),
    ((1, 4, 5, 3), (1, 1, 1, 3)),
    ((1, 4, 1, 3), (1, 1, 5, 1)),
    ((1, 1, 1, 1), (1, 3, 2, 4)),
    ((1, 7), (1, 7)),
    ((1, 6, 2), (1, 1, 2)),
]


def binary_case(rng, op_type, shapes, *, const_b=False, extremes=False, formats=None, act=None,
                batch=2):
    a_shape, b_shape = shapes
    a = random_int8(rng, (batch,) + a_shape[1:], extremes)
    fa, fb, fo = formats or [fmt(random_scale(rng, 1e-2, 1.0), random_zero_point(rng))
                             for _ in range(3)]
    if const_b:
        b_input = (random_int8(rng, b_shape[1:], extremes), fb, True)
    else:
        b_input = (random_int8(rng, (batch,) + b_shape[1:], extremes), fb, False)
    attrs = {"activation": act or str(rng.choice(ACTIVATIONS))}
    return single_op(op_type, [(a, fa, False), b_input], fo, attrs)


def c_binary(rt, case) -> np.ndarray:
    kp = case.c_params()
    params, kernel = rt.struct(kp.args["params"]), rt.kernel(kp)
    a_batch = case.value(0)
    b_tensor, b_value = case.tensor(1), case.value(1)
    out_shape = case.output.shape

    def run(sample_index, a, out):
        b = b_value if b_tensor.is_const else np.ascontiguousarray(
            b_value[sample_index:sample_index + 1])
        rt.ok(kernel(params, rt.dims(a.shape), rt.ptr("int8_t", a), rt.dims(b.shape),
                     rt.ptr("int8_t", b), rt.dims(out.shape), rt.ptr("int8_t", out)))

    out = np.zeros((a_batch.shape[0],) + tuple(out_shape[1:]), np.int8)
    for i in range(a_batch.shape[0]):
        run(i, np.ascontiguousarray(a_batch[i:i + 1]), out[i:i + 1])
    return out


def c_requantize(rt, case) -> np.ndarray:
    kp = case.c_params()
    params, kernel = rt.struct(kp.args["params"]), rt.kernel(kp)

    def run(sample, out):
        rt.ok(kernel(params, sample.size, rt.ptr("int8_t", sample), rt.ptr("int8_t", out)))

    return per_sample(case.feeds["x0"], case.output.shape, run)


@pytest.mark.parametrize("op_type", ["add", "mul"])
@pytest.mark.parametrize("shapes", BROADCASTS)
def test_binary_random(rt, rng, op_type, shapes):
    for const_b in (False, True):
        case = binary_case(rng, op_type, shapes, const_b=const_b)
        np.testing.assert_array_equal(c_binary(rt, case), case.golden())


@pytest.mark.parametrize("op_type", ["add", "mul"])
def test_binary_edge_extremes_zero_points_and_scale_ratios(rt, rng, op_type):
    # zero points at both ends, very unequal input scales (tiny and >1 multipliers)
    formats = [
        (fmt(0.5, -128), fmt(0.5, 127), fmt(1.0, 0)),
        (fmt(1e-3, 127), fmt(2.0, -128), fmt(2e-3, -128)),
        (fmt(4.0, 0), fmt(1e-2, 0), fmt(1e-3, 127)),
        (fmt(2.0 ** -4, 0), fmt(2.0 ** -4, 0), fmt(2.0 ** -3, 0)),  # exact ties
    ]
    for f in formats:
        for act in ACTIVATIONS:
            case = binary_case(rng, op_type, BROADCASTS[2], extremes=True, formats=f, act=act)
            np.testing.assert_array_equal(c_binary(rt, case), case.golden())


def test_add_large_enough_for_the_fast_tables(rt, rng):
    """The fast es_add_s8 tabulates each input's rescaling from 1,024 elements on."""
    formats = [None, (fmt(0.5, -128), fmt(0.5, 127), fmt(1.0, 0)),
               (fmt(1e-3, 127), fmt(2.0, -128), fmt(2e-3, -128)),
               (fmt(2.0 ** -4, 0), fmt(2.0 ** -4, 0), fmt(2.0 ** -3, 0))]
    for f in formats:
        for shapes in (((1, 16, 8, 8), (1, 16, 8, 8)), ((1, 8, 16, 9), (1, 1, 1, 9))):
            case = binary_case(rng, "add", shapes, extremes=True, formats=f)
            assert case.output.shape[1:] in ((16, 8, 8), (8, 16, 9))
            np.testing.assert_array_equal(c_binary(rt, case), case.golden())


def requantize_case(rng, op_type, shape, in_fmt, out_fmt, extremes=False, batch=2):
    x = random_int8(rng, (batch,) + shape, extremes)
    return single_op(op_type, [(x, in_fmt, False)], out_fmt)


@pytest.mark.parametrize("op_type", ["quantize", "relu", "relu6", "relu_n1_to_1"])
def test_requantize_random(rt, rng, op_type):
    for _ in range(10):
        in_fmt = fmt(random_scale(rng, 1e-3, 1.0), random_zero_point(rng))
        out_fmt = fmt(random_scale(rng, 1e-3, 1.0), random_zero_point(rng))
        case = requantize_case(rng, op_type, (3, 4, 5), in_fmt, out_fmt)
        np.testing.assert_array_equal(c_requantize(rt, case), case.golden())


@pytest.mark.parametrize("op_type", ["quantize", "relu", "relu6", "relu_n1_to_1"])
def test_requantize_edge_every_code(rt, op_type):
    # every input code, with multipliers far below and far above one, zero points at the ends
    x = np.arange(-128, 128, dtype=np.int8).reshape(2, 128)
    pairs = [(fmt(1.0, -128), fmt(1.0, 127)), (fmt(1e-4, 127), fmt(1.0, -128)),
             (fmt(1.0, 5), fmt(1e-3, -7)), (fmt(2.0 ** -5, 0), fmt(2.0 ** -3, 0)),
             (fmt(0.05, -3), fmt(0.05, -3))]
    rng = np.random.default_rng(0)
    for in_fmt, out_fmt in pairs:
        case = requantize_case(rng, op_type, (128,), in_fmt, out_fmt)
        case.feeds["x0"] = x
        np.testing.assert_array_equal(c_requantize(rt, case), case.golden())


SCALES = st.floats(1e-4, 16.0).map(lambda s: float(np.float32(s)))
ZERO_POINTS = st.sampled_from([-128, 127, 0]) | st.integers(-128, 127)
CODES = st.integers(-128, 127)


@settings(max_examples=150, deadline=None)
@given(op_type=st.sampled_from(["add", "mul"]), act=st.sampled_from(ACTIVATIONS),
       scales=st.tuples(SCALES, SCALES, SCALES),
       zps=st.tuples(ZERO_POINTS, ZERO_POINTS, ZERO_POINTS),
       a=hnp.arrays(np.int8, (2, 2, 3, 4), elements=CODES),
       b=hnp.arrays(np.int8, (2, 1, 3, 1), elements=CODES))
def test_binary_edge_hypothesis(rt, op_type, act, scales, zps, a, b):
    fa, fb, fo = (fmt(s, z) for s, z in zip(scales, zps))
    case = single_op(op_type, [(a, fa, False), (b, fb, False)], fo, {"activation": act})
    np.testing.assert_array_equal(c_binary(rt, case), case.golden())


@settings(max_examples=150, deadline=None)
@given(op_type=st.sampled_from(["quantize", "relu", "relu6", "relu_n1_to_1"]),
       scales=st.tuples(SCALES, SCALES), zps=st.tuples(ZERO_POINTS, ZERO_POINTS),
       x=hnp.arrays(np.int8, (2, 9), elements=CODES))
def test_requantize_edge_hypothesis(rt, op_type, scales, zps, x):
    case = single_op(op_type, [(x, fmt(scales[0], zps[0]), False)], fmt(scales[1], zps[1]))
    np.testing.assert_array_equal(c_requantize(rt, case), case.golden())
