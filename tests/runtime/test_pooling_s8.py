"""es_avg_pool2d_s8 and es_max_pool2d_s8 against the golden simulator."""

import numpy as np
import pytest

from .harness import fmt, per_sample, random_int8, random_scale, random_zero_point, single_op

ACTIVATIONS = ("none", "relu", "relu6", "relu_n1_to_1")
POOLS = ("avg_pool2d", "max_pool2d")

# (H, W, C, kernel, stride, pads (top, bottom, left, right))
GEOMETRIES = [
    (6, 6, 3, (2, 2), (2, 2), (0, 0, 0, 0)),
    (7, 5, 2, (3, 3), (2, 2), (1, 1, 1, 1)),
    (5, 8, 4, (3, 2), (1, 3), (1, 1, 0, 1)),
    (4, 4, 1, (4, 4), (1, 1), (0, 0, 0, 0)),
    (9, 9, 5, (3, 3), (3, 3), (2, 2, 2, 2)),
    (1, 1, 7, (1, 1), (1, 1), (0, 0, 0, 0)),
    (3, 7, 2, (2, 5), (1, 1), (1, 0, 4, 4)),
]


def pool_case(rng, op_type, geometry, *, extremes=False, in_fmt=None, act=None, batch=2):
    h, w, c, kernel, stride, pads = geometry
    x = random_int8(rng, (batch, h, w, c), extremes)
    f = in_fmt or fmt(random_scale(rng, 1e-2, 1.0), random_zero_point(rng))
    attrs = {"kernel": kernel, "stride": stride, "pads": pads,
             "activation": act or str(rng.choice(ACTIVATIONS))}
    return single_op(op_type, [(x, f, False)], f, attrs)


def c_pool(rt, case) -> np.ndarray:
    kp = case.c_params()
    params, kernel = rt.struct(kp.args["params"]), rt.kernel(kp)

    def run(sample, out):
        rt.ok(kernel(params, rt.dims(sample.shape), rt.ptr("int8_t", sample), rt.dims(out.shape),
                     rt.ptr("int8_t", out)))

    return per_sample(case.feeds["x0"], case.output.shape, run)


def check(rt, case):
    np.testing.assert_array_equal(c_pool(rt, case), case.golden())


@pytest.mark.parametrize("op_type", POOLS)
@pytest.mark.parametrize("geometry", GEOMETRIES)
def test_pool_random(rt, rng, op_type, geometry):
    for _ in range(2):
        check(rt, pool_case(rng, op_type, geometry))


@pytest.mark.parametrize("op_type", POOLS)
def test_pool_edge_extremes_and_zero_points(rt, rng, op_type):
    for zp in (-128, 127):
        for act in ACTIVATIONS:
            for geometry in (GEOMETRIES[1], GEOMETRIES[6]):
                check(rt, pool_case(rng, op_type, geometry, extremes=True, in_fmt=fmt(0.1, zp),
                                    act=act))


def test_avg_pool_edge_rounding_ties(rt):
    # 2x2 windows whose sums are odd multiples of 2 (averages x.5, both signs)
    # round away from zero
    values = np.array([1, 0, 0, 1, -1, 0, 0, -1, 3, 2, 2, 3, -3, -2, -2, -3], np.int8)
    x = values.reshape(1, 4, 4, 1)
    x = np.concatenate([x, np.flip(x, axis=2), -x - 1]).astype(np.int8)
    case = single_op("avg_pool2d", [(x, fmt(0.5, 0), False)], fmt(0.5, 0),
                     {"kernel": (2, 2), "stride": (1, 1), "pads": (0, 0, 0, 0)})
    golden = case.golden()
    assert np.any(golden != 0)
    np.testing.assert_array_equal(c_pool(rt, case), golden)
