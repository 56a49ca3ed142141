import numpy as np
import pytest
from numpy.testing import assert_array_equal

from edgesmith.ir import AffineFormat, NumberFormat


def test_quantize_rounds_half_away_from_zero_and_clamps():
    fmt = AffineFormat([0.5], [-3])
    real = np.array([0.25, -0.25, 0.75, -0.75, 1e9, -1e9, 0.0])
    # real/scale = 0.5, -0.5, 1.5, -1.5 -> 1, -1, 2, -2 (ties away from zero), then + zp
    assert_array_equal(fmt.quantize(real), np.array([-2, -4, -1, -5, 127, -128, -3], np.int8))


def test_per_channel_quantize_uses_axis():
    fmt = AffineFormat([1.0, 0.5], [0, 0], axis=1)
    q = fmt.quantize(np.array([[1.0, 1.0], [-2.0, -2.0]]))
    assert_array_equal(q, np.array([[1, 2], [-2, -4]], np.int8))
    assert_array_equal(fmt.dequantize(q), np.array([[1.0, 1.0], [-2.0, -2.0]], np.float32))


def test_json_round_trip_is_exact_for_float32_scales():
    scales = np.array([0.1, 1 / 3, 2.0 ** -20, 123.456], np.float32)
    fmt = AffineFormat(scales, [0, 0, 0, 0], axis=0)
    back = NumberFormat.from_json(fmt.to_json())
    assert back == fmt
    assert_array_equal(back.scale.view(np.uint32), scales.view(np.uint32))


@pytest.mark.parametrize("kwargs, message", [
    (dict(scale=[0.0], zero_point=[0]), "positive"),
    (dict(scale=[1.0], zero_point=[128]), "zero point"),
    (dict(scale=[1.0, 2.0], zero_point=[0, 0]), "axis"),
])
def test_invalid_formats_are_refused(kwargs, message):
    with pytest.raises(ValueError, match=message):
        AffineFormat(**kwargs)


def test_sub_byte_range():
    fmt = AffineFormat([1.0], [0], bits=4)
    assert (fmt.qmin, fmt.qmax) == (-8, 7)
    assert_array_equal(fmt.quantize(np.array([-9.0, 8.0])), np.array([-8, 7], np.int8))
