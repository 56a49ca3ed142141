"""es_resize_bilinear_s8 against the golden simulator: up and down by whole and fractional
factors, align_corners, half_pixel_centers (negative edge weights), sizes of 1."""

import numpy as np
import pytest

from .harness import fmt, per_sample, random_int8, single_op

SIZES = [((1, 4, 5, 3), (9, 11)), ((1, 6, 7, 2), (3, 2)), ((1, 1, 1, 4), (3, 5)),
         ((1, 5, 3, 1), (1, 1)), ((1, 3, 8, 2), (7, 3))]


def c_resize(rt, case) -> np.ndarray:
    params = rt.struct(case.c_params().args["params"])

    def run(sample, out):
        rt.ok(rt.lib.es_resize_bilinear_s8(params, rt.dims(sample.shape),
                                           rt.ptr("int8_t", sample), rt.dims(out.shape),
                                           rt.ptr("int8_t", out)))

    return per_sample(case.feeds["x0"], case.output.shape, run)


@pytest.mark.parametrize("shape,size", SIZES, ids=str)
@pytest.mark.parametrize("align,half", [(False, False), (True, False), (False, True)])
def test_resize_bilinear_equals_the_simulator(rt, rng, shape, size, align, half):
    x = random_int8(rng, (4, *shape[1:]), extremes=True)
    x[0], x[1] = -128, 127
    f = fmt(0.05, -7)
    case = single_op("resize_bilinear", [(x, f, False)], f,
                     {"size": size, "align_corners": align, "half_pixel_centers": half})
    golden = case.golden()
    assert golden[0].max() == -128 and golden[1].min() == 127  # constants stay exact
    np.testing.assert_array_equal(c_resize(rt, case), golden)
