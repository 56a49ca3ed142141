"""es_conv2d_s8 and es_depthwise_conv2d_s8 against the golden simulator."""

import numpy as np
import pytest

from edgesmith.ir import AffineFormat

from .harness import fmt, per_sample, random_int8, random_scale, random_zero_point, single_op

ACTIVATIONS = ("none", "relu", "relu6", "relu_n1_to_1")

# (H, W, C, KH, KW, stride, dilation, pads (top, bottom, left, right))
GEOMETRIES = [
    (5, 5, 3, 3, 3, (1, 1), (1, 1), (1, 1, 1, 1)),
    (7, 6, 2, 3, 2, (2, 1), (1, 1), (0, 0, 0, 0)),
    (9, 9, 1, 3, 3, (1, 1), (2, 2), (2, 2, 2, 2)),
    (8, 7, 5, 1, 1, (1, 1), (1, 1), (0, 0, 0, 0)),
    (6, 6, 3, 4, 4, (3, 2), (1, 2), (1, 2, 2, 1)),
    (1, 1, 8, 1, 1, (1, 1), (1, 1), (0, 0, 0, 0)),
    (4, 9, 2, 5, 1, (1, 3), (1, 1), (2, 2, 0, 0)),
    (3, 3, 4, 3, 3, (2, 2), (1, 1), (1, 1, 1, 1)),
]


def window_attrs(stride, dilation, pads, act="none") -> dict:
    return {"stride": stride, "dilation": dilation, "pads": pads, "activation": act}


def conv_case(rng, geometry, out_c, *, depthwise=False, multiplier=1, extremes=False,
              w_scales=None, in_fmt=None, out_fmt=None, bias=True, act=None, batch=2):
    h, w, c, kh, kw, stride, dilation, pads = geometry
    channels = c * multiplier if depthwise else out_c
    x = random_int8(rng, (batch, h, w, c), extremes)
    w_shape = (1, kh, kw, channels) if depthwise else (channels, kh, kw, c)
    weights = random_int8(rng, w_shape, extremes)
    if w_scales is None:
        w_scales = [random_scale(rng, 1e-3, 1e-1) for _ in range(channels)]
    w_fmt = AffineFormat(w_scales, [0] * len(w_scales), axis=3 if depthwise else 0)
    in_fmt = in_fmt or fmt(random_scale(rng, 1e-2, 1.0), random_zero_point(rng))
    out_fmt = out_fmt or fmt(random_scale(rng, 1e-2, 2.0), random_zero_point(rng))
    b = None
    if bias:
        bias_scales = np.float32(in_fmt.scale[0]) * np.asarray(w_scales, np.float32)
        b = (rng.integers(-50000, 50000, channels, dtype=np.int32),
             AffineFormat(bias_scales, [0] * channels, axis=0 if channels > 1 else None,
                          bits=32), True)
    attrs = window_attrs(stride, dilation, pads, act or str(rng.choice(ACTIVATIONS)))
    if depthwise:
        attrs["depth_multiplier"] = multiplier
    op = "depthwise_conv2d" if depthwise else "conv2d"
    return single_op(op, [(x, in_fmt, False), (weights, w_fmt, True), b], out_fmt, attrs)


def c_conv(rt, case) -> np.ndarray:
    kp = case.c_params()
    params, quant, kernel = rt.struct(kp.args["params"]), rt.struct(kp.args["quant"]), rt.kernel(kp)
    weights = case.value(1)
    bias = case.value(2) if case.op.inputs[2] is not None else None
    bias_ptr = rt.ffi.NULL if bias is None else rt.ptr("int32_t", bias)
    w_dims = rt.dims(weights.shape)

    def run(sample, out):
        rt.ok(kernel(rt.ffi.NULL, params, quant, rt.dims(sample.shape), rt.ptr("int8_t", sample),
                     w_dims, rt.ptr("int8_t", weights), bias_ptr, rt.dims(out.shape),
                     rt.ptr("int8_t", out)))

    return per_sample(case.feeds["x0"], case.output.shape, run)


def check(rt, case):
    np.testing.assert_array_equal(c_conv(rt, case), case.golden())


@pytest.mark.parametrize("geometry", GEOMETRIES)
def test_conv2d_random(rt, rng, geometry):
    for out_c in (1, 3):
        check(rt, conv_case(rng, geometry, out_c, bias=out_c == 3))


@pytest.mark.parametrize("geometry", GEOMETRIES)
@pytest.mark.parametrize("multiplier", [1, 2])
def test_depthwise_conv2d_random(rt, rng, geometry, multiplier):
    check(rt, conv_case(rng, geometry, 0, depthwise=True, multiplier=multiplier))


def shifts_at_both_ends(rng, channels: int, in_scale: float, out_scale: float) -> list[float]:
    """Weight scales whose real multipliers run from ~2^-31 (shift -31) to ~2^6 (shift +7)."""
    targets = np.exp2(np.linspace(-30.5, 6.5, channels))
    return [float(np.float32(t * out_scale / in_scale)) for t in targets]


@pytest.mark.parametrize("depthwise", [False, True])
def test_conv_edge_extremes_and_shifts(rt, rng, depthwise):
    in_fmt, out_fmt = fmt(0.05, -128), fmt(0.2, 127)
    w_scales = shifts_at_both_ends(rng, 6, 0.05, 0.2)
    for geometry in (GEOMETRIES[0], GEOMETRIES[4]):
        g = geometry[:2] + (6 if not depthwise else 3,) + geometry[3:]
        case = conv_case(rng, g, 6, depthwise=depthwise, multiplier=2, extremes=True,
                         w_scales=w_scales, in_fmt=in_fmt, out_fmt=out_fmt, act="none")
        check(rt, case)
    # zero points at the other ends
    case = conv_case(rng, GEOMETRIES[2], 6, depthwise=depthwise, multiplier=6, extremes=True,
                     w_scales=w_scales, in_fmt=fmt(0.05, 127), out_fmt=fmt(0.2, -128), act="relu")
    check(rt, case)


@pytest.mark.parametrize("depthwise", [False, True])
def test_conv_edge_requantization_ties(rt, rng, depthwise):
    # power-of-two scales: the real multiplier is exactly 1/2 or 1/4, so odd
    # accumulators land on ties of both roundings
    for out_scale in (2.0 ** -8, 2.0 ** -7):
        channels = 3 if depthwise else 4
        case = conv_case(rng, GEOMETRIES[0], channels, depthwise=depthwise,
                         w_scales=[2.0 ** -5] * channels, in_fmt=fmt(2.0 ** -4, 0),
                         out_fmt=fmt(out_scale, 0), bias=False, act="none")
        check(rt, case)


def test_conv2d_edge_saturation_of_every_activation(rt, rng):
    for act in ACTIVATIONS:
        case = conv_case(rng, GEOMETRIES[7], 3, extremes=True, in_fmt=fmt(1.0, 0),
                         out_fmt=fmt(0.01, 0), w_scales=[0.1, 0.05, 0.2], act=act)
        check(rt, case)
