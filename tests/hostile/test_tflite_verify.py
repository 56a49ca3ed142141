"""The TFLite structure verifier: one hand-written flatbuffer per check, each refused with
the op or tensor named."""

from __future__ import annotations

import numpy as np
import pytest

from edgesmith.errors import ResourceLimitError, TfliteStructureError
from edgesmith.frontends.tflite import load_tflite
from tests.ops.tflite_writer import ModelSpec, OpSpec, T, single_op, write_model

S, Z = [0.5], [0]


def _load(tmp_path, blob: bytes):
    path = tmp_path / "m.tflite"
    path.write_bytes(blob)
    return load_tflite(path)


def _relu(x: T, y: T) -> bytes:
    return single_op("RELU", [x], [y])


def test_a_valid_model_passes(tmp_path):
    graph = _load(tmp_path, _relu(T((1, 4), scale=S, zero_point=Z), T((1, 4), scale=S,
                                                                      zero_point=Z)))
    assert [op.type for op in graph.ops] == ["relu"]


@pytest.mark.parametrize("scale", [[0.0], [-1.0], [float("inf")], [float("nan")]])
def test_scales_must_be_finite_and_positive(tmp_path, scale):
    with pytest.raises(TfliteStructureError, match=r"tensor 1 .*scales must be finite"):
        _load(tmp_path, _relu(T((1, 4), scale=S, zero_point=Z),
                              T((1, 4), scale=scale, zero_point=Z)))


def test_zero_points_must_fit_the_type(tmp_path):
    with pytest.raises(TfliteStructureError, match=r"tensor 0 .*\[-128, 127\].*300"):
        _load(tmp_path, _relu(T((1, 4), scale=S, zero_point=[300]),
                              T((1, 4), scale=S, zero_point=Z)))


def test_per_channel_vectors_have_the_channel_count(tmp_path):
    w = T((3, 2), scale=[0.1, 0.2], zero_point=[0, 0], axis=0,
          data=np.ones((3, 2), np.int8))
    blob = single_op("FULLY_CONNECTED", [T((1, 2), scale=S, zero_point=Z), w],
                     [T((1, 3), scale=S, zero_point=Z)])
    with pytest.raises(TfliteStructureError, match=r"tensor 1 .*2 per-channel scales on axis 0"):
        _load(tmp_path, blob)


def test_huge_declared_shapes_are_refused_before_anything_is_allocated(tmp_path):
    big = (1, 100_000, 100_000)
    with pytest.raises(ResourceLimitError, match="10,000,000,000, more than edgesmith accepts"):
        _load(tmp_path, _relu(T(big, scale=S, zero_point=Z), T(big, scale=S, zero_point=Z)))


def test_options_table_of_another_op(tmp_path):
    blob = single_op("ADD", [T((1, 4), scale=S, zero_point=Z)] * 2,
                     [T((1, 4), scale=S, zero_point=Z)], options=("MulOptions", {}))
    with pytest.raises(TfliteStructureError, match=r"op 0 ADD: its options table is of type"):
        _load(tmp_path, blob)


def test_stride_zero_is_refused(tmp_path):
    blob = single_op("MAX_POOL_2D", [T((1, 4, 4, 1), scale=S, zero_point=Z)],
                     [T((1, 2, 2, 1), scale=S, zero_point=Z)],
                     options=("Pool2DOptions", {"StrideH": 0, "StrideW": 2, "FilterHeight": 2,
                                                "FilterWidth": 2}))
    with pytest.raises(TfliteStructureError, match=r"op 0 MAX_POOL_2D: StrideH is 0"):
        _load(tmp_path, blob)


def test_a_tensor_written_twice_and_ops_out_of_order(tmp_path):
    act = dict(scale=S, zero_point=Z)
    tensors = [T((1, 4), **act), T((1, 4), **act), T((1, 4), **act)]
    twice = ModelSpec(tensors, [OpSpec("RELU", [0], [1]), OpSpec("RELU", [0], [1])], [0], [1])
    with pytest.raises(TfliteStructureError, match=r"op 1 RELU: writes tensor 1, which is "
                                                   r"already written"):
        _load(tmp_path, write_model(twice))
    backwards = ModelSpec(tensors, [OpSpec("RELU", [1], [2]), OpSpec("RELU", [0], [1])], [0], [2])
    with pytest.raises(TfliteStructureError, match=r"op 0 RELU: reads tensor 1 before any op "
                                                   r"writes it"):
        _load(tmp_path, write_model(backwards))
