"""conv2d and depthwise_conv2d (int8) against LiteRT's reference kernels."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.ops.oracle import assert_bit_exact, random_int8
from tests.ops.strategies import (
    EDGE_FORMATS,
    activations,
    channel_scales,
    op_settings,
    scales,
    weights,
    zero_points,
)
from tests.ops.tflite_writer import T, single_op

SAME, VALID = 0, 1


def conv_model(rng, *, in_shape, filters, kernel, stride=(1, 1), dilation=(1, 1), padding=SAME,
               activation=0, in_fmt=(0, 0.05), out_fmt=(-5, 0.1), per_channel=True, bias=True,
               out_hw=None, depthwise=False):
    c = in_shape[3]
    if depthwise:
        w_shape, channels, axis = (1, *kernel, filters), filters, 3
    else:
        w_shape, channels, axis = (filters, *kernel, c), filters, 0
    w_scales = channel_scales(rng, channels if per_channel else 1)
    in_zp, in_scale = in_fmt
    inputs = [T(in_shape, scale=[in_scale], zero_point=[in_zp]),
              T(w_shape, scale=w_scales, zero_point=[0] * len(w_scales), axis=axis,
                data=weights(rng, w_shape))]
    if bias:
        b_scales = [in_scale * s for s in w_scales]
        inputs.append(T((channels,), "int32", scale=b_scales, zero_point=[0] * len(b_scales),
                        data=rng.integers(-3000, 3000, size=channels).astype(np.int32)))
    out_zp, out_scale = out_fmt
    output = T((1, *out_hw, channels), scale=[out_scale], zero_point=[out_zp])
    options = {"Padding": padding, "StrideH": stride[0], "StrideW": stride[1],
               "FusedActivationFunction": activation, "DilationHFactor": dilation[0],
               "DilationWFactor": dilation[1]}
    if depthwise:
        options["DepthMultiplier"] = filters // c
        return single_op("DEPTHWISE_CONV_2D", inputs, [output], ("DepthwiseConv2DOptions", options))
    return single_op("CONV_2D", inputs, [output], ("Conv2DOptions", options))


def out_size(size, k, stride, dilation, padding):
    eff = (k - 1) * dilation + 1
    return -(-size // stride) if padding == SAME else (size - eff) // stride + 1


CASES = [
    {"kernel": (3, 3), "stride": (1, 1), "padding": SAME},
    {"kernel": (3, 3), "stride": (2, 2), "padding": SAME},
    {"kernel": (4, 2), "stride": (2, 1), "padding": VALID},
    {"kernel": (3, 3), "stride": (1, 1), "dilation": (2, 2), "padding": SAME},
    {"kernel": (1, 1), "stride": (1, 1), "padding": VALID},  # LiteRT requires an int8 conv bias
    {"kernel": (3, 3), "stride": (2, 2), "padding": SAME, "per_channel": False, "activation": 3},
    {"kernel": (2, 2), "stride": (3, 3), "padding": SAME, "activation": 1},  # stride > kernel
]


@pytest.mark.parametrize("depthwise", [False, True], ids=["conv", "depthwise"])
@pytest.mark.parametrize("case", CASES, ids=lambda c: "-".join(f"{k}{v}" for k, v in c.items()))
@pytest.mark.parametrize("in_fmt, out_fmt", [((0, 0.05), (-5, 0.1)),
                                             (EDGE_FORMATS[0], EDGE_FORMATS[1]),
                                             (EDGE_FORMATS[1], EDGE_FORMATS[0])])
def test_conv_matches_litert(tmp_path, depthwise, case, in_fmt, out_fmt):
    rng = np.random.default_rng(1)
    in_shape = (1, 9, 7, 3)
    d = case.get("dilation", (1, 1))
    hw = tuple(out_size(in_shape[1 + i], case["kernel"][i], case["stride"][i], d[i],
                        case["padding"]) for i in range(2))
    filters = 6 if depthwise else 4  # depthwise: depth multiplier 2
    model = conv_model(rng, in_shape=in_shape, filters=filters, out_hw=hw, depthwise=depthwise,
                       in_fmt=in_fmt, out_fmt=out_fmt, **case)
    assert_bit_exact(model, random_int8(rng, (12, *in_shape[1:])), tmp_path)


@op_settings
@given(data=st.data(), depthwise=st.booleans(), in_zp=zero_points, in_scale=scales,
       out_zp=zero_points, out_scale=scales, activation=activations)
def test_conv_random_formats_match_litert(tmp_path, data, depthwise, in_zp, in_scale, out_zp,
                                          out_scale, activation):
    rng = np.random.default_rng(data.draw(st.integers(0, 2**32 - 1)))
    c = data.draw(st.integers(1, 4))
    filters = c * data.draw(st.integers(1, 3)) if depthwise else data.draw(st.integers(1, 5))
    kernel = (data.draw(st.integers(1, 3)), data.draw(st.integers(1, 3)))
    stride = (data.draw(st.integers(1, 2)), data.draw(st.integers(1, 2)))
    padding = data.draw(st.sampled_from([SAME, VALID]))
    in_shape = (1, data.draw(st.integers(3, 6)), data.draw(st.integers(3, 6)), c)
    hw = tuple(out_size(in_shape[1 + i], kernel[i], stride[i], 1, padding) for i in range(2))
    model = conv_model(rng, in_shape=in_shape, filters=filters, kernel=kernel, stride=stride,
                       padding=padding, activation=activation, in_fmt=(in_zp, in_scale),
                       out_fmt=(out_zp, out_scale), out_hw=hw, depthwise=depthwise)
    assert_bit_exact(model, random_int8(rng, (4, *in_shape[1:])), tmp_path)
