"""Integer parameters: multipliers, clamp bounds, softmax scaling and per-op records."""

import math
from fractions import Fraction

import numpy as np
import pytest
from edgesmith.errors import UnsupportedError
from edgesmith.frontends.tflite import load_tflite
from edgesmith.arith.multiplier import (
    activation_range,
    input_radius,
    quantize_multiplier,
    quantize_multiplier_below_one,
    softmax_input_scaling,
)
from edgesmith.arith.params import ConvParams, compute_params
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.helpers.paths import SHARED_MODELS
from tests.ir.graphs import int8_conv_graph


@pytest.mark.parametrize("real, expected", [
    (0.0, (0, 0)),
    (1.0, (1 << 30, 1)),
    (0.5, (1 << 30, 0)),
    (0.75, (3 << 29, 0)),
    (2.0 ** -31, (1 << 30, -30)),
    (2.0 ** -33, (0, 0)),                          # below 2^-31 flushes to zero
    (1 - 2.0 ** -40, (1 << 30, 1)),                # q * 2^31 rounds up to 2^31: carry into shift
])
def test_quantize_multiplier_known_values(real, expected):
    assert quantize_multiplier(real) == expected


@settings(max_examples=300, deadline=None)
@given(st.floats(2.0 ** -30, 2.0 ** 20, allow_nan=False, allow_infinity=False))
def test_quantize_multiplier_is_the_nearest_q31(real):
    m, shift = quantize_multiplier(real)
    assert (1 << 30) <= m < (1 << 31)
    exact = Fraction(real) * 2 ** (31 - shift)   # the ideal multiplier for this shift
    assert abs(Fraction(m) - exact) <= Fraction(1, 2)


def test_below_one_rejects_out_of_range():
    with pytest.raises(ValueError):
        quantize_multiplier_below_one(1.0)


@pytest.mark.parametrize("activation, scale, zp, expected", [
    ("none", 0.1, 5, (-128, 127)),
    ("relu", 0.1, 5, (5, 127)),
    ("relu6", 0.1, -128, (-128, -68)),
    ("relu6", 0.01, 0, (0, 127)),             # 6 / 0.01 = 600 clamps to 127
    ("relu_n1_to_1", 0.1, 0, (-10, 10)),
    ("relu", 0.1, -128, (-128, 127)),
])
def test_activation_range(activation, scale, zp, expected):
    assert activation_range(activation, scale, zp, -128, 127) == expected


def test_activation_range_rounds_half_away_in_float32():
    # 6 / 0.4 = 15.000000xxx in float32; relu6 of scale 4 -> 1.5 -> 2
    assert activation_range("relu6", 4.0, 0, -128, 127) == (0, 2)


def test_softmax_scaling_of_a_typical_model():
    scale = float(np.float32(0.1447))  # scales are float32 in a model
    multiplier, left_shift, diff_min = softmax_input_scaling(1.0, scale)
    real = scale * 2 ** 26
    assert left_shift == math.frexp(real)[1]
    assert abs(multiplier * 2.0 ** (left_shift - 31) - real) < 2.0 ** (left_shift - 31)
    assert diff_min == -input_radius(5, left_shift) < 0


def test_conv_params_of_a_hand_built_graph():
    graph = int8_conv_graph()
    p = compute_params(graph.ops[0], graph)
    assert isinstance(p, ConvParams)
    assert p.input_offset == 3 and p.output_offset == -128
    assert p.act_min == -128 and p.act_max == 127  # relu at zero point -128 clamps nothing
    reals = 0.5 * np.array([0.01, 0.02, 0.03], dtype=np.float32).astype(np.float64) / 0.25
    np.testing.assert_allclose(p.multiplier * 2.0 ** (p.shift - 31.0), reals, rtol=2 ** -30)
    assert not p.multiplier.flags.writeable


def test_every_op_of_the_shared_models_has_params():
    if not SHARED_MODELS.is_dir():
        pytest.skip("the shared models are not beside the repository")
    paths = sorted(p for p in SHARED_MODELS.glob("*/*.tflite") if "vela" not in p.name)
    assert len(paths) == 13
    quantized = 0
    for path in paths:
        graph = load_tflite(path)
        if graph.is_quantized():
            quantized += 1
            for op in graph.ops:
                compute_params(op, graph)
    assert quantized == 8


def test_asymmetric_weights_are_refused():
    graph = int8_conv_graph()
    w = graph.tensors["w"]
    w.fmt = type(w.fmt)(w.fmt.scale, [1, 0, 0], axis=0)
    with pytest.raises(UnsupportedError, match="symmetric"):
        compute_params(graph.ops[0], graph)
