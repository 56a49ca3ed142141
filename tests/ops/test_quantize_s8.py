"""quantize (float -> int8, int8 -> int8), dequantize and relu/relu6/relu_n1_to_1
(int8 requantization with a clamp), against LiteRT."""

import numpy as np
import pytest
from edgesmith import _sim
from hypothesis import given
from hypothesis import strategies as st

from tests.ops.oracle import assert_bit_exact, ours_and_theirs
from tests.ops.strategies import op_settings, scales, zero_points
from tests.ops.tflite_writer import T, single_op


def unary(op, in_tensor, out_tensor):
    return single_op(op, [in_tensor], [out_tensor])


def float_probe(scale: float, zero_point: int) -> np.ndarray:
    """Reals that land exactly on ties, just beside them, at the int8 range
    ends and far outside it, plus +/-inf and NaN."""
    s = np.float32(scale)
    ties = (np.arange(-140, 140, dtype=np.float32) + np.float32(0.5)) * s
    near = np.nextafter(ties, np.float32(np.inf))
    extremes = np.array([-1e30, 1e30, np.inf, -np.inf, np.nan, 0.0, -0.0], np.float32)
    x = np.concatenate([ties, near, extremes, [(np.float32(200) - zero_point) * s]])
    return x.reshape(-1, 1).astype(np.float32)


@pytest.mark.parametrize("scale, zp", [(0.05, 0), (0.1, -128), (0.003921569, 127), (1.0, 5)])
def test_float_to_int8_rounds_like_litert(tmp_path, scale, zp):
    model = unary("QUANTIZE", T((1, 1), "float32"), T((1, 1), scale=[scale], zero_point=[zp]))
    assert_bit_exact(model, float_probe(scale, zp), tmp_path)


def test_ties_round_away_from_zero():
    x = np.array([0.5, 1.5, -0.5, -1.5, 2.5], np.float32)
    q = _sim.quantize_f32_s8(x, scale=1.0, zero_point=0, qmin=-128, qmax=127)
    assert q.tolist() == [1, 2, -1, -2, 3]


@pytest.mark.parametrize("formats", [((0.05, 3), (0.1, -7)), ((0.1, -128), (0.1, 127)),
                                     ((1.0, 0), (0.004, -128)), ((0.02, 127), (0.5, 0))])
def test_int8_to_int8(tmp_path, formats):
    (si, zi), (so, zo) = formats
    model = unary("QUANTIZE", T((1, 256), scale=[si], zero_point=[zi]),
                  T((1, 256), scale=[so], zero_point=[zo]))
    assert_bit_exact(model, np.arange(-128, 128, dtype=np.int8).reshape(1, 256), tmp_path)


@pytest.mark.parametrize("scale, zp", [(0.05, 0), (0.1, -128), (3e-5, 127), (7.5, -3)])
def test_dequantize_is_exact(tmp_path, scale, zp):
    model = unary("DEQUANTIZE", T((1, 256), scale=[scale], zero_point=[zp]), T((1, 256), "float32"))
    ours, theirs = ours_and_theirs(model, np.arange(-128, 128, dtype=np.int8).reshape(1, 256),
                                   tmp_path)
    assert ours[0].dtype == np.float32
    np.testing.assert_array_equal(ours[0], theirs[0])


@pytest.mark.parametrize("op", ["RELU", "RELU6", "RELU_N1_TO_1"])
@pytest.mark.parametrize("formats", [((0.05, 3), (0.05, 3)), ((0.1, -128), (0.03, -128)),
                                     ((0.02, 127), (0.05, -20)), ((0.05, 0), (0.01, 0))])
def test_relu_family(tmp_path, op, formats):
    (si, zi), (so, zo) = formats
    model = unary(op, T((1, 256), scale=[si], zero_point=[zi]),
                  T((1, 256), scale=[so], zero_point=[zo]))
    assert_bit_exact(model, np.arange(-128, 128, dtype=np.int8).reshape(1, 256), tmp_path)


@op_settings
@given(op=st.sampled_from(["QUANTIZE", "RELU", "RELU6", "RELU_N1_TO_1"]), zi=zero_points,
       si=scales, zo=zero_points, so=scales)
def test_requantize_random_formats(tmp_path, op, zi, si, zo, so):
    model = unary(op, T((1, 256), scale=[si], zero_point=[zi]),
                  T((1, 256), scale=[so], zero_point=[zo]))
    assert_bit_exact(model, np.arange(-128, 128, dtype=np.int8).reshape(1, 256), tmp_path)


@op_settings
@given(data=st.data(), zp=zero_points, scale=scales)
def test_quantize_random_floats(tmp_path, data, zp, scale):
    rng = np.random.default_rng(data.draw(st.integers(0, 2**32 - 1)))
    model = unary("QUANTIZE", T((1, 8), "float32"), T((1, 8), scale=[scale], zero_point=[zp]))
    x = (rng.standard_normal((5, 8)) * scale * 100).astype(np.float32)
    assert_bit_exact(model, x, tmp_path)
