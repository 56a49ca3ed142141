"""es_l2_normalization_s8 against the golden simulator: rows of norm 0, one value, the
int8 extremes, and rows long enough that the sum of squares passes 2^29 (the inverse
square root's first range reduction)."""

import numpy as np
import pytest

from .harness import fmt, per_sample, random_int8, single_op

OUT = fmt(1 / 128, 0)


def c_l2_normalization(rt, case) -> np.ndarray:
    kp = case.c_params()
    params, depth = rt.struct(kp.args["params"]), kp.args["depth"]

    def run(sample, out):
        rt.ok(rt.lib.es_l2_normalization_s8(params, sample.size // depth, depth,
                                            rt.ptr("int8_t", sample), rt.ptr("int8_t", out)))

    return per_sample(case.feeds["x0"], case.output.shape, run)


@pytest.mark.parametrize("in_fmt", [fmt(0.1, 0), fmt(0.02, -128), fmt(0.5, 127), fmt(1.0, 5)],
                         ids=str)
@pytest.mark.parametrize("shape", [(4, 9), (3, 1), (2, 3, 40)], ids=str)
def test_rows_equal_the_simulator(rt, rng, in_fmt, shape):
    x = random_int8(rng, (6, *shape), extremes=True)
    x[2] = in_fmt.zero_point[0]  # norm 0
    x[3] = in_fmt.zero_point[0]
    x[3, ..., 0] = -128  # one value in each row
    case = single_op("l2_normalization", [(x, in_fmt, False)], OUT)
    np.testing.assert_array_equal(c_l2_normalization(rt, case), case.golden())


def test_sums_of_squares_above_two_to_the_29(rt):
    x = np.full((2, 1, 9000), 127, np.int8)
    x[1, 0, ::2] = -128
    case = single_op("l2_normalization", [(x, fmt(0.01, -128), False)], OUT)
    golden = case.golden()
    assert np.sum((x[0].astype(np.int64) + 128) ** 2) > 1 << 29
    np.testing.assert_array_equal(c_l2_normalization(rt, case), golden)


def test_an_output_format_other_than_one_128th_is_refused():
    from edgesmith.errors import UnsupportedError

    x = np.zeros((1, 4), np.int8)
    case = single_op("l2_normalization", [(x, fmt(0.1, 0), False)], fmt(1 / 100, 0))
    with pytest.raises(UnsupportedError, match="needs output scale 1/128 and zero point 0"):
        case.c_params()
