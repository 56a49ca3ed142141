"""softmax (int8): LiteRT's reference kernel runs a fixed-point algorithm
(scaled input differences, a polynomial exp with a barrel shifter, a
Newton-Raphson reciprocal); the simulator must equal it bit for bit."""

import numpy as np
import pytest
from edgesmith.errors import UnsupportedError
from edgesmith.frontends.tflite import load_tflite
from edgesmith.arith.multiplier import softmax_input_scaling
from edgesmith.sim import simulate
from hypothesis import given
from hypothesis import strategies as st

from tests.ops.oracle import assert_bit_exact, random_int8
from tests.ops.strategies import op_settings, scales, zero_points
from tests.ops.tflite_writer import T, single_op

OUT = (-128, 1 / 256)


def softmax_model(shape, in_fmt, beta=1.0, out_fmt=OUT):
    (zi, si), (zo, so) = in_fmt, out_fmt
    return single_op("SOFTMAX", [T(shape, scale=[si], zero_point=[zi])],
                     [T(shape, scale=[so], zero_point=[zo])], ("SoftmaxOptions", {"Beta": beta}))


@pytest.mark.parametrize("in_fmt", [(14, 0.1447), (-128, 0.05), (127, 0.5), (0, 1e-3), (0, 4.0)])
@pytest.mark.parametrize("beta", [1.0, 0.5, 2.0])
@pytest.mark.parametrize("shape", [(1, 12), (1, 2), (1, 3, 4, 7)])
def test_softmax_matches_litert(tmp_path, in_fmt, beta, shape):
    rng = np.random.default_rng(9)
    x = random_int8(rng, (16, *shape[1:]))
    x[2].reshape(-1)[0] = 127  # one dominant logit
    x[3] = 0                   # all equal
    assert_bit_exact(softmax_model(shape, in_fmt, beta), x, tmp_path)


def test_large_input_scale_caps_the_multiplier():
    multiplier, left_shift, diff_min = softmax_input_scaling(1.0, 100.0)
    assert multiplier == (1 << 31) - 1 and left_shift == 31
    assert diff_min == -((2**5 - 1) * 2**26 >> 31)


def test_output_format_is_enforced(tmp_path):
    path = tmp_path / "softmax.tflite"
    path.write_bytes(softmax_model((1, 4), (0, 0.1), out_fmt=(0, 1 / 256)))
    graph = load_tflite(path)
    with pytest.raises(UnsupportedError, match="softmax needs output scale 1/256"):
        simulate(graph, np.zeros((1, 4), np.int8))


@op_settings
@given(data=st.data(), zp=zero_points, scale=scales,
       beta=st.sampled_from([1.0, 0.25, 1.5, 3.0]))
def test_softmax_random_formats(tmp_path, data, zp, scale, beta):
    rng = np.random.default_rng(data.draw(st.integers(0, 2**32 - 1)))
    depth = data.draw(st.integers(1, 40))
    assert_bit_exact(softmax_model((1, depth), (zp, scale), beta),
                     random_int8(rng, (6, depth)), tmp_path)
