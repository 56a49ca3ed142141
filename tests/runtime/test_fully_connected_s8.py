"""es_fully_connected_s8 against the golden simulator.

The IR path (LiteRT's reference arithmetic) uses the exact-scale output stage;
the Q31 output stage (TFLite Micro / CMSIS-NN arithmetic) is compared with the
simulator's kernel called with ``real_scale=None``.
"""

import numpy as np
import pytest

from edgesmith import _sim
from edgesmith.ir import AffineFormat

from .harness import fmt, per_sample, random_int8, random_scale, random_zero_point, single_op

ACTIVATIONS = ("none", "relu", "relu6", "relu_n1_to_1")


def fc_case(rng, in_shape, out_features, *, per_channel=True, extremes=False, w_scales=None,
            in_fmt=None, out_fmt=None, bias=True, act=None, batch=3):
    depth = int(np.prod(in_shape))
    x = random_int8(rng, (batch,) + tuple(in_shape), extremes)
    weights = random_int8(rng, (out_features, depth), extremes)
    if w_scales is None:
        w_scales = [random_scale(rng, 1e-3, 1e-1) for _ in range(out_features if per_channel
                                                                    else 1)]
    axis = 0 if len(w_scales) > 1 else None
    w_fmt = AffineFormat(w_scales, [0] * len(w_scales), axis=axis)
    in_fmt = in_fmt or fmt(random_scale(rng, 1e-2, 1.0), random_zero_point(rng))
    out_fmt = out_fmt or fmt(random_scale(rng, 1e-2, 4.0), random_zero_point(rng))
    b = None
    if bias:
        scales = np.float32(in_fmt.scale[0]) * np.asarray(w_scales, np.float32)
        b = (rng.integers(-30000, 30000, out_features, dtype=np.int32),
             AffineFormat(scales, [0] * len(w_scales), axis=axis, bits=32), True)
    attrs = {"activation": act or str(rng.choice(ACTIVATIONS))}
    return single_op("fully_connected", [(x, in_fmt, False), (weights, w_fmt, True), b], out_fmt,
                     attrs)


def c_fully_connected(rt, case, stage: str = "exact") -> np.ndarray:
    kp = case.c_params(fc_stage=stage)
    params, quant, dims = (rt.struct(kp.args[k]) for k in ("params", "quant", "dims"))
    weights = case.value(1)
    bias = case.value(2) if case.op.inputs[2] is not None else None
    bias_ptr = rt.ffi.NULL if bias is None else rt.ptr("int32_t", bias)

    def run(sample, out):
        rt.ok(rt.lib.es_fully_connected_s8(rt.ffi.NULL, params, quant, dims,
                                           rt.ptr("int8_t", sample), rt.ptr("int8_t", weights),
                                           bias_ptr, rt.ptr("int8_t", out)))

    return per_sample(case.feeds["x0"], case.output.shape, run)


def golden_q31(case) -> np.ndarray:
    p, x = case.params, case.feeds["x0"]
    bias = case.value(2) if case.op.inputs[2] is not None else None
    return _sim.fully_connected_s8(
        x.reshape(x.shape[0], -1), case.value(1), bias, input_offset=p.input_offset,
        weights_offset=p.weights_offset, output_offset=p.output_offset, multiplier=p.multiplier,
        shift=p.shift, real_scale=None, act_min=p.act_min, act_max=p.act_max)


def check(rt, case):
    np.testing.assert_array_equal(c_fully_connected(rt, case, "exact"), case.golden())
    np.testing.assert_array_equal(c_fully_connected(rt, case, "q31"), golden_q31(case))


@pytest.mark.parametrize("in_shape", [(1,), (7,), (64,), (3, 5), (2, 3, 4)])
@pytest.mark.parametrize("per_channel", [False, True])
def test_fully_connected_random(rt, rng, in_shape, per_channel):
    for out_features in (1, 5, 16):
        check(rt, fc_case(rng, in_shape, out_features, per_channel=per_channel,
                          bias=out_features != 5))


def test_fully_connected_edge_extremes_and_shifts(rt, rng):
    targets = np.exp2(np.linspace(-30.5, 6.5, 8))
    in_scale, out_scale = 0.05, 0.2
    w_scales = [float(np.float32(t * out_scale / in_scale)) for t in targets]
    for zps in ((-128, 127), (127, -128), (0, 0)):
        case = fc_case(rng, (33,), 8, extremes=True, w_scales=w_scales,
                       in_fmt=fmt(in_scale, zps[0]), out_fmt=fmt(out_scale, zps[1]), act="none")
        check(rt, case)


def test_fully_connected_edge_product_beyond_int32(rt, rng):
    # real scale 2^20: |acc * scale| passes 2^31; LiteRT's unchecked conversion gives
    # INT32_MIN and the output offset then wraps (to +127 for a negative zero point)
    for out_zp in (-5, 0, 5):
        case = fc_case(rng, (16,), 4, extremes=True, w_scales=[1.0] * 4,
                       in_fmt=fmt(1.0, 0), out_fmt=fmt(2.0 ** -20, out_zp), bias=False,
                       act="none")
        np.testing.assert_array_equal(c_fully_connected(rt, case, "exact"), case.golden())


def test_fully_connected_edge_ties(rt, rng):
    # power-of-two scales: accumulator * 1/2 or * 1/4 often lands exactly on .5
    for out_scale in (2.0 ** -8, 2.0 ** -7):
        case = fc_case(rng, (9,), 6, w_scales=[2.0 ** -5] * 6, in_fmt=fmt(2.0 ** -4, 0),
                       out_fmt=fmt(out_scale, 0), bias=False, act="none")
        check(rt, case)
