"""es_fully_connected_fx, es_conv2d_fx, es_depthwise_conv2d_fx and the fixed-point pools
against the simulator: random types, every rounding and overflow mode, fused activations,
padding, strides, dilation, extreme raw values."""

import itertools

import numpy as np
import pytest
from edgesmith.errors import UnsupportedError
from edgesmith.ir import FixedFormat
from edgesmith.ir.fixed import OVERFLOW_MODES, ROUNDING_MODES

from .formats_harness import assert_c_equals_simulator, one_op

ACTIVATIONS = ("none", "relu", "relu6", "relu_n1_to_1")
MODES = list(itertools.product(ROUNDING_MODES, OVERFLOW_MODES))


def raw(rng, fmt: FixedFormat, shape, extremes: bool = False) -> np.ndarray:
    x = rng.integers(fmt.qmin, fmt.qmax + 1, shape, dtype=np.int64)
    if extremes:
        mask = rng.random(shape) < 0.5
        x[mask] = rng.choice([fmt.qmin, fmt.qmax], int(mask.sum()))
    return x.astype(np.int32)


def random_type(rng, width_range=(4, 16), int_range=(-4, 12), **modes) -> FixedFormat:
    width = int(rng.integers(*width_range))
    return FixedFormat(width, int(rng.integers(*int_range)),
                       rounding=modes.get("rounding", str(rng.choice(ROUNDING_MODES))),
                       overflow=modes.get("overflow", str(rng.choice(OVERFLOW_MODES))))


def mac_case(rng, op_type, *, rounding=None, overflow=None, extremes=False, bias=True, act=None):
    x_fmt, w_fmt = random_type(rng), random_type(rng, (2, 12), (-6, 3))
    b_fmt = FixedFormat(int(rng.integers(8, 28)), int(rng.integers(0, 16)))
    out = random_type(rng, (2, 20), (-2, 14), **{k: v for k, v in
                                                 (("rounding", rounding), ("overflow", overflow))
                                                 if v})
    if op_type == "fully_connected":
        x, w, attrs = raw(rng, x_fmt, (3, 9), extremes), raw(rng, w_fmt, (5, 9)), {}
        channels = 5
    else:
        depthwise = op_type == "depthwise_conv2d"
        c, m = int(rng.integers(1, 4)), int(rng.integers(1, 3))
        kh, kw = int(rng.integers(1, 4)), int(rng.integers(1, 4))
        x = raw(rng, x_fmt, (2, int(rng.integers(5, 8)), int(rng.integers(5, 8)), c), extremes)
        channels = c * m if depthwise else int(rng.integers(1, 5))
        w = raw(rng, w_fmt, (1, kh, kw, c * m) if depthwise else (channels, kh, kw, c))
        attrs = {"stride": tuple(int(s) for s in rng.integers(1, 3, 2)),
                 "dilation": tuple(int(s) for s in rng.integers(1, 3, 2)),
                 "pads": tuple(int(p) for p in rng.integers(0, 2, 4))}
        if depthwise:
            attrs["depth_multiplier"] = m
    attrs["activation"] = act or str(rng.choice(ACTIVATIONS))
    inputs = [(x, x_fmt, False), (w, w_fmt, True),
              (raw(rng, b_fmt, (channels,)), b_fmt, True) if bias else None]
    return one_op(op_type, inputs, out, attrs)


@pytest.mark.parametrize("op_type", ["fully_connected", "conv2d", "depthwise_conv2d"])
@pytest.mark.parametrize("rounding,overflow", MODES)
def test_mac_layers_every_mode(rng, op_type, rounding, overflow):
    assert_c_equals_simulator(*mac_case(rng, op_type, rounding=rounding, overflow=overflow))


@pytest.mark.parametrize("op_type", ["fully_connected", "conv2d", "depthwise_conv2d"])
def test_mac_layers_edge_extremes_without_bias(rng, op_type):
    for act in ACTIVATIONS:
        assert_c_equals_simulator(*mac_case(rng, op_type, extremes=True, bias=False, act=act))


def test_wide_layer_is_refused_with_the_bound():
    """A layer whose interval bound reaches 2^62 does not fit the int64 kernels."""
    x_fmt, w_fmt = FixedFormat(32, 16), FixedFormat(32, 0)
    x = np.zeros((1, 4), np.int32)
    w = np.full((2, 4), w_fmt.qmin, np.int32)
    graph, feeds = one_op("fully_connected", [(x, x_fmt, False), (w, w_fmt, True), None],
                          FixedFormat(16, 8))
    with pytest.raises(UnsupportedError, match="accumulator needs fixed<"):
        assert_c_equals_simulator(graph, feeds)


# (H, W, C, kernel, stride, pads (top, bottom, left, right))
GEOMETRIES = [(6, 6, 3, (2, 2), (2, 2), (0, 0, 0, 0)), (7, 5, 2, (3, 3), (2, 2), (1, 1, 1, 1)),
              (5, 8, 4, (3, 2), (1, 3), (1, 1, 0, 1)), (3, 7, 2, (2, 5), (1, 1), (1, 0, 4, 4))]


@pytest.mark.parametrize("op_type", ["avg_pool2d", "max_pool2d"])
@pytest.mark.parametrize("geometry", GEOMETRIES)
def test_pools(rng, op_type, geometry):
    h, w, c, kernel, stride, pads = geometry
    for rounding, overflow in MODES[::2]:
        x_fmt = random_type(rng)
        out = random_type(rng, (3, 16), (x_fmt.integer_bits - 3, x_fmt.integer_bits + 2),
                          rounding=rounding, overflow=overflow)
        attrs = {"kernel": kernel, "stride": stride, "pads": pads,
                 "activation": str(rng.choice(ACTIVATIONS))}
        x = raw(rng, x_fmt, (2, h, w, c), extremes=bool(rng.integers(2)))
        assert_c_equals_simulator(*one_op(op_type, [(x, x_fmt, False)], out, attrs))
