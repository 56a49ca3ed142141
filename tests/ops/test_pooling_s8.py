"""avg_pool2d and max_pool2d (int8) against LiteRT's reference kernels."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.ops.oracle import assert_bit_exact, random_int8
from tests.ops.strategies import activations, op_settings, scales, zero_points
from tests.ops.tflite_writer import T, single_op

SAME, VALID = 0, 1


def pool_model(op, *, in_shape, kernel, stride, padding, activation=0, fmt=(-3, 0.05)):
    h = [(-(-in_shape[1 + i] // stride[i]) if padding == SAME
          else (in_shape[1 + i] - kernel[i]) // stride[i] + 1) for i in range(2)]
    zp, scale = fmt
    options = {"Padding": padding, "StrideH": stride[0], "StrideW": stride[1],
               "FilterHeight": kernel[0], "FilterWidth": kernel[1],
               "FusedActivationFunction": activation}
    return single_op(op, [T(in_shape, scale=[scale], zero_point=[zp])],
                     [T((1, *h, in_shape[3]), scale=[scale], zero_point=[zp])],
                     ("Pool2DOptions", options))


CASES = [((2, 2), (2, 2), VALID), ((3, 3), (2, 2), SAME), ((3, 2), (1, 1), SAME),
         ((5, 5), (5, 5), VALID), ((4, 4), (3, 3), SAME)]


@pytest.mark.parametrize("op", ["AVERAGE_POOL_2D", "MAX_POOL_2D"])
@pytest.mark.parametrize("kernel, stride, padding", CASES)
@pytest.mark.parametrize("activation", [0, 1, 3])
@pytest.mark.parametrize("fmt", [(-3, 0.05), (-128, 0.02), (127, 0.02)])
def test_pooling_matches_litert(tmp_path, op, kernel, stride, padding, activation, fmt):
    rng = np.random.default_rng(6)
    in_shape = (1, 10, 9, 3)
    model = pool_model(op, in_shape=in_shape, kernel=kernel, stride=stride, padding=padding,
                       activation=activation, fmt=fmt)
    assert_bit_exact(model, random_int8(rng, (8, *in_shape[1:])), tmp_path)


def test_average_rounds_half_away_from_zero(tmp_path):
    # sums of +/-3 over 2 cells: +1.5 -> 2 and -1.5 -> -2
    x = np.array([[[[1], [2]]], [[[-1], [-2]]]], dtype=np.int8)
    model = pool_model("AVERAGE_POOL_2D", in_shape=(1, 1, 2, 1), kernel=(1, 2), stride=(1, 2),
                       padding=VALID, fmt=(0, 0.1))
    assert_bit_exact(model, x, tmp_path)
    from tests.ops.oracle import ours_and_theirs
    ours, _ = ours_and_theirs(model, x, tmp_path)
    assert ours[0].reshape(-1).tolist() == [2, -2]


@op_settings
@given(data=st.data(), zp=zero_points, scale=scales, activation=activations,
       op=st.sampled_from(["AVERAGE_POOL_2D", "MAX_POOL_2D"]))
def test_pooling_random_windows(tmp_path, data, zp, scale, activation, op):
    rng = np.random.default_rng(data.draw(st.integers(0, 2**32 - 1)))
    in_shape = (1, data.draw(st.integers(1, 7)), data.draw(st.integers(1, 7)),
                data.draw(st.integers(1, 4)))
    padding = data.draw(st.sampled_from([SAME, VALID]))
    kernel = tuple(data.draw(st.integers(1, in_shape[1 + i] if padding == VALID else 4))
                   for i in range(2))
    stride = (data.draw(st.integers(1, 3)), data.draw(st.integers(1, 3)))
    model = pool_model(op, in_shape=in_shape, kernel=kernel, stride=stride, padding=padding,
                       activation=activation, fmt=(zp, scale))
    assert_bit_exact(model, random_int8(rng, (4, *in_shape[1:])), tmp_path)
