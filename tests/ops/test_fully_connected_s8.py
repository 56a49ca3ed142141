"""fully_connected (int8) against LiteRT's reference kernel, whose output stage
multiplies the accumulator by the double real scale."""

import numpy as np
import pytest
from edgesmith.frontends.tflite import load_tflite
from edgesmith.arith.params import compute_params
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


def fc_model(rng, *, in_shape=(1, 24), units=5, in_fmt=(3, 0.05), out_fmt=(-7, 0.08),
             per_channel=False, bias=True, activation=0, w_range=(1e-3, 5e-2)):
    depth = int(np.prod(in_shape[1:]))
    w_scales = channel_scales(rng, units if per_channel else 1, *w_range)
    in_zp, in_scale = in_fmt
    inputs = [T(in_shape, scale=[in_scale], zero_point=[in_zp]),
              T((units, depth), scale=w_scales, zero_point=[0] * len(w_scales),
                data=weights(rng, (units, depth)))]
    if bias:
        b_scales = [in_scale * s for s in w_scales]
        inputs.append(T((units,), "int32", scale=b_scales, zero_point=[0] * len(b_scales),
                        data=rng.integers(-5000, 5000, size=units).astype(np.int32)))
    out_zp, out_scale = out_fmt
    return single_op("FULLY_CONNECTED", inputs, [T((1, units), scale=[out_scale],
                                                   zero_point=[out_zp])],
                     ("FullyConnectedOptions", {"FusedActivationFunction": activation}))


@pytest.mark.parametrize("per_channel", [False, True], ids=["per_tensor", "per_channel"])
@pytest.mark.parametrize("bias", [True, False], ids=["bias", "no_bias"])
@pytest.mark.parametrize("in_fmt, out_fmt", [((3, 0.05), (-7, 0.08)),
                                             (EDGE_FORMATS[0], EDGE_FORMATS[1]),
                                             (EDGE_FORMATS[1], EDGE_FORMATS[3])])
@pytest.mark.parametrize("activation", [0, 1, 3])
def test_fully_connected_matches_litert(tmp_path, per_channel, bias, in_fmt, out_fmt, activation):
    rng = np.random.default_rng(2)
    model = fc_model(rng, per_channel=per_channel, bias=bias, in_fmt=in_fmt, out_fmt=out_fmt,
                     activation=activation)
    assert_bit_exact(model, random_int8(rng, (20, 24)), tmp_path)


def test_fully_connected_flattens_a_4d_input(tmp_path):
    rng = np.random.default_rng(3)
    model = fc_model(rng, in_shape=(1, 3, 2, 4), units=6)
    assert_bit_exact(model, random_int8(rng, (10, 3, 2, 4)), tmp_path)


def test_real_multiplier_above_one(tmp_path):
    # input_scale * weight_scale / output_scale > 1: the shift is positive
    rng = np.random.default_rng(4)
    model = fc_model(rng, in_fmt=(0, 0.5), out_fmt=(0, 1e-3), w_range=(0.01, 0.02))
    assert_bit_exact(model, random_int8(rng, (10, 24)), tmp_path)


def test_params_carry_both_output_stages(tmp_path):
    rng = np.random.default_rng(5)
    path = tmp_path / "fc.tflite"
    path.write_bytes(fc_model(rng, per_channel=True))
    graph = load_tflite(path)
    p = compute_params(graph.ops[0], graph)
    assert p.real_scale.dtype == np.float64 and p.real_scale.shape == (5,)
    assert p.multiplier.shape == p.shift.shape == (5,)
    # multiplier * 2^(shift-31) is real_scale to 31 significant bits
    approx = p.multiplier * 2.0 ** (p.shift.astype(np.float64) - 31)
    np.testing.assert_allclose(approx, p.real_scale, rtol=2.0 ** -30)


@op_settings
@given(data=st.data(), in_zp=zero_points, in_scale=scales, out_zp=zero_points, out_scale=scales,
       activation=activations, per_channel=st.booleans())
def test_fully_connected_random_formats(tmp_path, data, in_zp, in_scale, out_zp, out_scale,
                                        activation, per_channel):
    rng = np.random.default_rng(data.draw(st.integers(0, 2**32 - 1)))
    depth, units = data.draw(st.integers(1, 40)), data.draw(st.integers(1, 8))
    model = fc_model(rng, in_shape=(1, depth), units=units, in_fmt=(in_zp, in_scale),
                     out_fmt=(out_zp, out_scale), per_channel=per_channel, activation=activation)
    assert_bit_exact(model, random_int8(rng, (6, depth)), tmp_path)
