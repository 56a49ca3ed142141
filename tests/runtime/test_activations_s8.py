"""es_softmax_s8, es_logistic_s8 and es_tanh_s8 against the golden simulator."""

import numpy as np
import pytest

from .harness import fmt, per_sample, random_int8, random_scale, random_zero_point, single_op

SOFTMAX_OUT = fmt(1 / 256, -128)


def softmax_case(rng, shape, in_fmt, beta=1.0, extremes=False, batch=2):
    x = random_int8(rng, (batch,) + shape, extremes)
    return single_op("softmax", [(x, in_fmt, False)], SOFTMAX_OUT, {"beta": beta})


def c_softmax(rt, case) -> np.ndarray:
    params = rt.struct(case.c_params().args["params"])
    depth = case.output.shape[-1]

    def run(sample, out):
        rows = sample.size // depth
        rt.ok(rt.lib.es_softmax_s8(params, rows, depth, rt.ptr("int8_t", sample),
                                   rt.ptr("int8_t", out)))

    return per_sample(case.feeds["x0"], case.output.shape, run)


@pytest.mark.parametrize("shape", [(10,), (1,), (3, 7), (2, 2, 33), (255,)])
def test_softmax_random(rt, rng, shape):
    for _ in range(4):
        in_fmt = fmt(random_scale(rng, 1e-3, 1.0), random_zero_point(rng))
        beta = float(rng.choice([1.0, 0.5, 2.0, float(rng.uniform(0.1, 3.0))]))
        case = softmax_case(rng, shape, in_fmt, beta)
        np.testing.assert_array_equal(c_softmax(rt, case), case.golden())


def test_softmax_edge_scales_and_ties(rt, rng):
    # tiny scales (long diff range), large ones (multiplier capped, diff_min 0),
    # extreme codes, and rows of equal values (ties of the row maximum)
    for scale in (1e-5, 1e-3, 0.1, 1.0, 30.0, 1e4):
        for zp in (-128, 127):
            case = softmax_case(rng, (4, 16), fmt(scale, zp), extremes=True)
            np.testing.assert_array_equal(c_softmax(rt, case), case.golden())
    equal = np.full((2, 3, 64), 7, np.int8)
    equal[1, 1] = -128
    equal[1, 2, ::2] = 127
    case = softmax_case(rng, (3, 64), fmt(0.1, 0))
    case.feeds["x0"] = equal
    np.testing.assert_array_equal(c_softmax(rt, case), case.golden())


def test_softmax_edge_sum_limit(rt):
    # 511 equal maxima still fit the reference's output exponent; 512 do not
    # (the reference aborts, the simulator raises, the C kernel returns ES_ERR_RANGE)
    rng = np.random.default_rng(0)
    case = softmax_case(rng, (511,), fmt(0.1, 0), batch=1)
    case.feeds["x0"] = np.full((1, 511), 3, np.int8)
    np.testing.assert_array_equal(c_softmax(rt, case), case.golden())
    params = rt.struct(case.c_params().args["params"])
    x, out = np.full(512, 3, np.int8), np.zeros(512, np.int8)
    status = rt.lib.es_softmax_s8(params, 1, 512, rt.ptr("int8_t", x), rt.ptr("int8_t", out))
    assert status == rt.lib.ES_ERR_RANGE


def lut_case(op_type, in_fmt, out_fmt, batch_values):
    return single_op(op_type, [(batch_values, in_fmt, False)], out_fmt)


def c_lut(rt, case) -> np.ndarray:
    kp = case.c_params()
    table, kernel = rt.array(kp.args["table"]), rt.kernel(kp)

    def run(sample, out):
        rt.ok(kernel(table, sample.size, rt.ptr("int8_t", sample), rt.ptr("int8_t", out)))

    return per_sample(case.feeds["x0"], case.output.shape, run)


@pytest.mark.parametrize("op_type", ["logistic", "tanh"])
def test_lut_edge_every_code_and_format(rt, rng, op_type):
    codes = np.arange(-128, 128, dtype=np.int8).reshape(4, 8, 8)
    out_fmts = {"logistic": [fmt(1 / 256, -128)],
                "tanh": [fmt(1 / 128, 0),
                         fmt(random_scale(rng, 1e-3, 1e-1), random_zero_point(rng))]}
    for in_fmt in (fmt(0.1, 0), fmt(1.0, -128), fmt(1e-3, 127), fmt(0.0625, 17),
                   fmt(random_scale(rng, 1e-3, 1.0), random_zero_point(rng))):
        for out_fmt in out_fmts[op_type]:
            case = lut_case(op_type, in_fmt, out_fmt, codes)
            np.testing.assert_array_equal(c_lut(rt, case), case.golden())
