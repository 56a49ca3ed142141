"""es_conv2d_s4, es_depthwise_conv2d_s4, es_fully_connected_s4 and the packed pools against
the simulator (int8 arithmetic on 4- and 2-bit values), and the packing itself: first value
in the low bits, odd counts, sign extension, zeroed padding bits."""

import itertools

import numpy as np
import pytest
from edgesmith.ir import AffineFormat
from edgesmith.ir.packing import pack_subbyte, unpack_subbyte
from edgesmith.sim import simulate

from .formats_harness import assert_c_equals_simulator, one_op, run_c

ACTIVATIONS = ("none", "relu", "relu6", "relu_n1_to_1")
#: (input bits, weight bits, output bits)
WIDTHS = [(4, 4, 4), (2, 2, 2), (8, 4, 4), (4, 4, 8), (8, 2, 8), (2, 4, 8), (4, 2, 2)]


def values(rng, bits: int, shape, extremes: bool = True) -> np.ndarray:
    lo, hi = -(1 << (bits - 1)), (1 << (bits - 1)) - 1
    x = rng.integers(lo, hi + 1, shape).astype(np.int8)
    if extremes:
        mask = rng.random(shape) < 0.3
        x[mask] = rng.choice([lo, hi], int(mask.sum()))
    return x


def act_format(rng, bits: int) -> AffineFormat:
    lo, hi = -(1 << (bits - 1)), (1 << (bits - 1)) - 1
    return AffineFormat([float(np.float32(rng.uniform(0.02, 0.5)))],
                        [int(rng.choice([lo, hi, 0, int(rng.integers(lo, hi + 1))]))], bits=bits)


def weight_format(rng, bits: int, channels: int, axis: int) -> AffineFormat:
    scales = rng.uniform(0.01, 0.2, channels).astype(np.float32)
    return AffineFormat(scales, np.zeros(channels, np.int64), axis=axis if channels > 1 else None,
                        bits=bits)


def mac_case(rng, op_type, widths, act):
    in_bits, w_bits, out_bits = widths
    x_fmt, out = act_format(rng, in_bits), act_format(rng, out_bits)
    qmax = (1 << (w_bits - 1)) - 1
    if op_type == "fully_connected":
        x, channels = values(rng, in_bits, (3, 13)), 5  # 13 and 5: odd counts, partial bytes
        w_shape, axis, attrs = (channels, 13), 0, {}
    else:
        depthwise = op_type == "depthwise_conv2d"
        x = values(rng, in_bits, (2, 5, 7, 3))
        channels = 6 if depthwise else 3
        w_shape = (1, 3, 3, 6) if depthwise else (3, 2, 3, 3)
        axis = 3 if depthwise else 0
        attrs = {"stride": (1, 2), "dilation": (1, 1), "pads": (1, 1, 1, 0)}
        if depthwise:
            attrs["depth_multiplier"] = 2
    attrs["activation"] = act
    w = rng.integers(-qmax, qmax + 1, w_shape).astype(np.int8)
    bias = rng.integers(-3000, 3000, channels).astype(np.int32)
    scale = weight_format(rng, w_bits, channels, axis)
    b_fmt = AffineFormat(scale.scale * x_fmt.scale[0], np.zeros(channels, np.int64),
                         axis=0 if channels > 1 else None, bits=32)
    return one_op(op_type, [(x, x_fmt, False), (w, scale, True), (bias, b_fmt, True)], out, attrs)


@pytest.mark.parametrize("op_type", ["fully_connected", "conv2d", "depthwise_conv2d"])
@pytest.mark.parametrize("widths", WIDTHS)
def test_packed_mac_layers(rng, op_type, widths):
    for act in ACTIVATIONS:
        assert_c_equals_simulator(*mac_case(rng, op_type, widths, act))


@pytest.mark.parametrize("op_type,bits", itertools.product(["avg_pool2d", "max_pool2d"], [4, 2]))
def test_packed_pools(rng, op_type, bits):
    for act in ACTIVATIONS:
        fmt = act_format(rng, bits)
        x = values(rng, bits, (2, 7, 5, 3))
        attrs = {"kernel": (3, 2), "stride": (2, 2), "pads": (1, 1, 0, 1), "activation": act}
        assert_c_equals_simulator(*one_op(op_type, [(x, fmt, False)], fmt, attrs))


@pytest.mark.parametrize("bits", [4, 2])
def test_output_bytes_are_the_documented_packing(rng, bits):
    """Raw C output bytes of an odd count equal pack_subbyte of the simulator's values:
    first value in the low bits, the unused bits of the last byte zero."""
    graph, feeds = mac_case(rng, "fully_connected", (bits, bits, bits), "none")
    golden = simulate(graph, feeds)["y"]
    ours = run_c(graph, feeds, as_bytes=True)
    for sample, values_ in zip(ours, golden):
        assert sample.size == -(-values_.size * bits // 8)  # 5 values: a partial last byte
        np.testing.assert_array_equal(sample, pack_subbyte(values_, bits))
        np.testing.assert_array_equal(unpack_subbyte(sample, bits, values_.size, True), values_)


def test_packing_example_and_sign_extension():
    """FORMATS.md / es_nn_types.h: 4 bits [1, -2, 3] -> [0xE1, 0x03]; 2 bits sign-extend."""
    np.testing.assert_array_equal(pack_subbyte(np.array([1, -2, 3], np.int8), 4), [0xE1, 0x03])
    two = np.array([-2, -1, 0, 1, -2], np.int8)
    packed = pack_subbyte(two, 2)
    np.testing.assert_array_equal(packed, [0b01001110, 0b10])
    np.testing.assert_array_equal(unpack_subbyte(packed, 2, 5, True), two)
