"""es_log_softmax_s8 against the golden simulator: input scales from fine (every difference
counts) to coarse (most differences below diff_min), equal rows, one value per row, rows of
a thousand values (a sum of exponentials far above 1)."""

import numpy as np
import pytest

from .harness import fmt, per_sample, random_int8, single_op

OUT = fmt(16 / 256, 127)


def c_log_softmax(rt, case) -> np.ndarray:
    kp = case.c_params()
    params, depth = rt.struct(kp.args["params"]), kp.args["depth"]

    def run(sample, out):
        rt.ok(rt.lib.es_log_softmax_s8(params, sample.size // depth, depth,
                                       rt.ptr("int8_t", sample), rt.ptr("int8_t", out)))

    return per_sample(case.feeds["x0"], case.output.shape, run)


@pytest.mark.parametrize("in_fmt", [fmt(0.01, 0), fmt(0.1, -20), fmt(0.5, 127), fmt(4.0, 5)],
                         ids=str)
@pytest.mark.parametrize("shape", [(4, 9), (3, 1), (2, 3, 40)], ids=str)
def test_rows_equal_the_simulator(rt, rng, in_fmt, shape):
    x = random_int8(rng, (6, *shape), extremes=True)
    x[2] = 9  # equal values
    x[3] = -128
    x[3, ..., 0] = 127  # one maximum, the rest as far below as int8 allows
    case = single_op("log_softmax", [(x, in_fmt, False)], OUT)
    golden = case.golden()
    np.testing.assert_array_equal(c_log_softmax(rt, case), golden)
    if shape[-1] > 1 and in_fmt.scale[0] >= 0.1:  # 255 steps below the maximum: below -16
        assert np.all(golden[3, ..., 1:] == -128)


def test_long_rows_equal_the_simulator(rt, rng):
    x = random_int8(rng, (3, 2, 1000))
    x[0] = 127  # the sum of exponentials is 1000
    case = single_op("log_softmax", [(x, fmt(0.05, 0), False)], OUT)
    golden = case.golden()
    np.testing.assert_array_equal(c_log_softmax(rt, case), golden)
    assert golden[0].max() == 127 + round(16 * np.log(1 / 1000))


def test_an_output_format_other_than_tflites_is_refused():
    from edgesmith.errors import UnsupportedError

    case = single_op("log_softmax", [(np.zeros((1, 4), np.int8), fmt(0.1, 0), False)],
                     fmt(1 / 16, 0))
    with pytest.raises(UnsupportedError, match="needs output scale 16/256 and zero point 127"):
        case.c_params()
