"""mean (int8): int32 sum, zero-point correction and 1/count folded into the
multiplier, against LiteRT's reference kernel."""

import numpy as np
import pytest
from edgesmith.frontends.tflite import load_tflite
from edgesmith.arith.params import MeanParams, compute_params
from hypothesis import given
from hypothesis import strategies as st

from tests.ops.oracle import assert_bit_exact, random_int8
from tests.ops.strategies import op_settings, scales, zero_points
from tests.ops.tflite_writer import T, single_op


def mean_model(in_shape, axes, keepdims, in_fmt=(-3, 0.05), out_fmt=(5, 0.04)):
    rank = len(in_shape)
    resolved = {a % rank for a in axes}
    out_shape = tuple(1 if d in resolved else n for d, n in enumerate(in_shape)) if keepdims \
        else tuple(n for d, n in enumerate(in_shape) if d not in resolved)
    (zi, si), (zo, so) = in_fmt, out_fmt
    return single_op("MEAN", [T(in_shape, scale=[si], zero_point=[zi]),
                              T((len(axes),), "int32", data=np.array(axes, np.int32))],
                     [T(out_shape, scale=[so], zero_point=[zo])],
                     ("ReducerOptions", {"KeepDims": keepdims}))


@pytest.mark.parametrize("axes", [(1, 2), (2, 1), (3,), (-1,), (1,), (1, 2, 3)])
@pytest.mark.parametrize("keepdims", [True, False])
@pytest.mark.parametrize("formats", [((-3, 0.05), (5, 0.04)), ((-128, 0.1), (127, 0.1)),
                                     ((127, 0.02), (-128, 0.5)), ((0, 0.3), (0, 0.001))])
def test_mean_matches_litert(tmp_path, axes, keepdims, formats):
    rng = np.random.default_rng(10)
    in_shape = (1, 5, 7, 3)  # 35 cells: the count is not a power of two
    assert_bit_exact(mean_model(in_shape, axes, keepdims, *formats),
                     random_int8(rng, (8, *in_shape[1:])), tmp_path)


def test_count_is_folded_into_the_multiplier(tmp_path):
    path = tmp_path / "mean.tflite"
    path.write_bytes(mean_model((1, 5, 7, 3), (1, 2), True, (0, 0.05), (0, 0.05)))
    graph = load_tflite(path)
    p = compute_params(graph.ops[0], graph)
    assert isinstance(p, MeanParams) and p.count == 35
    real = p.multiplier * 2.0 ** (p.shift - 31)
    assert abs(real - 1 / 35) < 1e-8


@op_settings
@given(data=st.data(), zi=zero_points, si=scales, zo=zero_points, so=scales)
def test_mean_random_formats(tmp_path, data, zi, si, zo, so):
    rng = np.random.default_rng(data.draw(st.integers(0, 2**32 - 1)))
    in_shape = (1, data.draw(st.integers(1, 9)), data.draw(st.integers(1, 9)), 2)
    axes = data.draw(st.sampled_from([(1, 2), (1,), (2,), (3,)]))
    assert_bit_exact(mean_model(in_shape, axes, data.draw(st.booleans()), (zi, si), (zo, so)),
                     random_int8(rng, (4, *in_shape[1:])), tmp_path)
