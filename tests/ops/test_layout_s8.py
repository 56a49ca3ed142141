"""pad, concat and reshape (int8): data movement, against LiteRT."""

import numpy as np
import pytest
from edgesmith.errors import UnsupportedError
from edgesmith.frontends.tflite import load_tflite
from edgesmith.sim import simulate

from tests.ops.oracle import assert_bit_exact, random_int8
from tests.ops.tflite_writer import T, single_op


@pytest.mark.parametrize("zp", [-128, -3, 0, 127])
@pytest.mark.parametrize("paddings", [[[0, 0], [1, 2], [0, 3], [0, 0]],
                                      [[0, 0], [0, 0], [0, 0], [2, 1]],
                                      [[0, 0], [3, 3], [1, 1], [1, 0]]])
def test_pad_fills_with_the_zero_point(tmp_path, zp, paddings):
    rng = np.random.default_rng(11)
    in_shape = (1, 3, 4, 2)
    out_shape = tuple(n + a + b for n, (a, b) in zip(in_shape, paddings))
    model = single_op("PAD", [T(in_shape, scale=[0.1], zero_point=[zp]),
                              T((4, 2), "int32", data=np.array(paddings, np.int32))],
                      [T(out_shape, scale=[0.1], zero_point=[zp])])
    assert_bit_exact(model, random_int8(rng, (5, *in_shape[1:])), tmp_path)


def test_pad_of_a_2d_tensor(tmp_path):
    rng = np.random.default_rng(12)
    model = single_op("PAD", [T((1, 5), scale=[0.1], zero_point=[7]),
                              T((2, 2), "int32", data=np.array([[0, 0], [2, 3]], np.int32))],
                      [T((1, 10), scale=[0.1], zero_point=[7])])
    assert_bit_exact(model, random_int8(rng, (4, 5)), tmp_path)


@pytest.mark.parametrize("axis, shapes", [(3, [(1, 2, 3, 1), (1, 2, 3, 4)]),
                                          (-1, [(1, 2, 3, 2), (1, 2, 3, 2), (1, 2, 3, 1)]),
                                          (1, [(1, 1, 3, 2), (1, 4, 3, 2)]),
                                          (2, [(1, 2, 1, 2), (1, 2, 5, 2)])])
def test_concat_matches_litert(tmp_path, axis, shapes):
    rng = np.random.default_rng(13)
    fmt = {"scale": [0.07], "zero_point": [-9]}
    out = list(shapes[0])
    out[axis] = sum(s[axis] for s in shapes)
    model = single_op("CONCATENATION", [T(s, **fmt) for s in shapes], [T(tuple(out), **fmt)],
                      ("ConcatenationOptions", {"Axis": axis}))
    assert_bit_exact(model, [random_int8(rng, (3, *s[1:])) for s in shapes], tmp_path)


def test_concat_of_differing_formats_is_refused(tmp_path):
    # LiteRT refuses such an int8 model at Prepare; so does the simulator
    path = tmp_path / "concat.tflite"
    path.write_bytes(single_op("CONCATENATION",
                               [T((1, 2), scale=[0.1], zero_point=[0]),
                                T((1, 2), scale=[0.2], zero_point=[0])],
                               [T((1, 4), scale=[0.1], zero_point=[0])],
                               ("ConcatenationOptions", {"Axis": 1})))
    graph = load_tflite(path)
    with pytest.raises(UnsupportedError, match="concat needs every input in the output format"):
        simulate(graph, {n: np.zeros((1, 2), np.int8) for n in graph.inputs})


def test_reshape_keeps_the_batch(tmp_path):
    rng = np.random.default_rng(14)
    model = single_op("RESHAPE", [T((1, 2, 3, 4), scale=[0.1], zero_point=[1]),
                                  T((2,), "int32", data=np.array([1, 24], np.int32))],
                      [T((1, 24), scale=[0.1], zero_point=[1])])
    assert_bit_exact(model, random_int8(rng, (7, 2, 3, 4)), tmp_path)
