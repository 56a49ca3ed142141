"""es_mean_s8, es_pad_s8 and es_concat_s8 against the golden simulator.

The IR's tensors of rank below 4 map onto the C kernels' NHWC shapes with
size-1 dimensions in front (edgesmith.codegen.c_params.as_dims4), their axes
shifted to match.
"""

import numpy as np
import pytest

from .harness import fmt, per_sample, random_int8, random_scale, random_zero_point, single_op


def c_mean(rt, case) -> np.ndarray:
    params = rt.struct(case.c_params().args["params"])

    def run(sample, out):
        rt.ok(rt.lib.es_mean_s8(params, rt.dims(sample.shape), rt.ptr("int8_t", sample),
                                rt.ptr("int8_t", out)))

    return per_sample(case.feeds["x0"], case.output.shape, run)


MEAN_CASES = [
    ((1, 5, 6, 3), (1, 2), True),
    ((1, 5, 6, 3), (2, 1), False),
    ((1, 4, 4, 8), (3,), True),
    ((1, 4, 7, 2), (1,), False),
    ((1, 3, 5, 4), (-2,), True),
    ((1, 3, 5, 4), (1, 2, 3), False),
    ((1, 9, 6), (1,), False),
    ((1, 12), (-1,), True),
    ((1, 1, 1, 5), (1, 2), True),
]


@pytest.mark.parametrize("op_type", ["mean", "sum"])  # sum: es_mean_s8 without 1/count
@pytest.mark.parametrize("shape, axes, keepdims", MEAN_CASES)
def test_mean_random(rt, rng, op_type, shape, axes, keepdims):
    for _ in range(3):
        x = random_int8(rng, (2,) + shape[1:])
        in_fmt = fmt(random_scale(rng, 1e-2, 1.0), random_zero_point(rng))
        out_fmt = fmt(random_scale(rng, 1e-2, 1.0), random_zero_point(rng))
        case = single_op(op_type, [(x, in_fmt, False)], out_fmt,
                         {"axes": axes, "keepdims": keepdims})
        np.testing.assert_array_equal(c_mean(rt, case), case.golden())


def test_mean_edge_extremes_and_large_counts(rt, rng):
    # zero points at the ends, scale ratios that fold into extreme shifts, and a
    # count (32 * 40) whose 1/count reshapes the multiplier
    for in_fmt, out_fmt in ((fmt(0.1, -128), fmt(0.1, 127)), (fmt(1e-3, 127), fmt(1.0, -128)),
                            (fmt(2.0, 0), fmt(1e-3, 0)), (fmt(2.0 ** -4, 0), fmt(2.0 ** -4, 0))):
        for shape, axes in (((1, 32, 40, 2), (1, 2)), ((1, 3, 3, 3), (1, 2, 3))):
            x = random_int8(rng, (2,) + shape[1:], extremes=True)
            case = single_op("mean", [(x, in_fmt, False)], out_fmt,
                             {"axes": axes, "keepdims": True})
            np.testing.assert_array_equal(c_mean(rt, case), case.golden())


def c_pad(rt, case) -> np.ndarray:
    params = rt.struct(case.c_params().args["params"])

    def run(sample, out):
        rt.ok(rt.lib.es_pad_s8(params, rt.dims(sample.shape), rt.ptr("int8_t", sample),
                               rt.dims(out.shape), rt.ptr("int8_t", out)))

    return per_sample(case.feeds["x0"], case.output.shape, run)


PAD_CASES = [
    ((1, 3, 4, 2), ((0, 0), (1, 1), (2, 2), (0, 0))),
    ((1, 3, 4, 2), ((0, 0), (0, 3), (1, 0), (2, 1))),
    ((1, 2, 2, 1), ((0, 0), (0, 0), (0, 0), (0, 0))),
    ((1, 5, 3), ((0, 0), (2, 0), (0, 4))),
    ((1, 6), ((0, 0), (3, 2))),
]


@pytest.mark.parametrize("shape, pads", PAD_CASES)
def test_pad_edge_zero_points(rt, rng, shape, pads):
    for zp in (-128, 127, random_zero_point(rng)):
        f = fmt(random_scale(rng), zp)
        x = random_int8(rng, (2,) + shape[1:], extremes=True)
        case = single_op("pad", [(x, f, False)], f, {"pads": pads})
        np.testing.assert_array_equal(c_pad(rt, case), case.golden())


def c_concat(rt, case) -> np.ndarray:
    rank = len(case.output.shape)
    values = [case.value(i) for i in range(len(case.op.inputs))]
    params = rt.struct(case.c_params().args["params"])
    batch = values[0].shape[0]
    out = np.zeros((batch,) + case.output.shape[1:], np.int8)
    for i in range(batch):
        parts = [np.ascontiguousarray(v[i:i + 1]) for v in values]
        dims = rt.new("es_dims[]", [dict(zip("nhwc", (1,) * (4 - rank) + p.shape)) for p in parts])
        pointers = rt.new("int8_t *[]", [rt.ptr("int8_t", p) for p in parts])
        o = out[i:i + 1]
        rt.ok(rt.lib.es_concat_s8(params, dims, pointers, rt.dims(o.shape), rt.ptr("int8_t", o)))
    return out


CONCAT_CASES = [
    ([(1, 2, 3, 4), (1, 2, 3, 5)], 3),
    ([(1, 2, 3, 4), (1, 2, 1, 4), (1, 2, 2, 4)], 2),
    ([(1, 1, 3, 4), (1, 4, 3, 4)], 1),
    ([(1, 2, 3, 4), (1, 2, 3, 1)], -1),
    ([(1, 5), (1, 1), (1, 7), (1, 2)], 1),
    ([(1, 3, 2), (1, 3, 6)], -1),
]


@pytest.mark.parametrize("shapes, axis", CONCAT_CASES)
def test_concat_edge_extremes(rt, rng, shapes, axis):
    f = fmt(random_scale(rng), random_zero_point(rng))
    inputs = [(random_int8(rng, (2,) + s[1:], extremes=True), f, False) for s in shapes]
    case = single_op("concat", inputs, f, {"axis": axis})
    np.testing.assert_array_equal(c_concat(rt, case), case.golden())
