"""Keras models saved without a fixed batch compute their reshape targets at run time
(SHAPE, STRIDED_SLICE, PACK...); the importer folds that shape arithmetic to constants, so
such a model imports, equals LiteRT and runs as C."""

from __future__ import annotations

import numpy as np
import pytest

from edgesmith.errors import ModelFormatError
from edgesmith.frontends import load_model
from edgesmith.frontends.tflite_fold import fold_shape_arithmetic
from edgesmith.frontends.tflite_reader import read_tflite
from edgesmith.verify.check import check_against_litert
from edgesmith.verify.host import verify_host

from tests.helpers.converter import edge_int8, full_int8_tflite, tflite_ops
from tests.helpers.keras_check import keras_or_skip, randomize

SHAPE_OPS = {"SHAPE", "STRIDED_SLICE", "PACK"}


def _model(kind: str):
    keras = keras_or_skip()
    if kind == "conv-flatten":
        inp = keras.Input((6, 5, 2))  # no batch size: Flatten becomes a shape computation
        y = keras.layers.Conv2D(3, 3, padding="same")(inp)
    else:
        inp = keras.Input((6, 5))
        y = keras.layers.Reshape((5, 6))(inp)
    y = keras.layers.Dense(4)(keras.layers.Flatten()(y))
    return randomize(keras.Model(inp, y)), tuple(inp.shape[1:])


@pytest.fixture(scope="module", params=["conv-flatten", "reshape-flatten"])
def dynamic_model(request, tmp_path_factory):
    model, shape = _model(request.param)
    calib = np.random.default_rng(1).normal(size=(32, *shape)).astype(np.float32)
    path = full_int8_tflite(model, calib, tmp_path_factory.mktemp("dyn") / "m.tflite")
    assert SHAPE_OPS <= set(tflite_ops(path))
    return path, shape


def test_shape_arithmetic_is_folded(dynamic_model):
    path, _ = dynamic_model
    folded = fold_shape_arithmetic(read_tflite(path))
    assert not SHAPE_OPS & {op.name for op in folded.operators}
    graph = load_model(path)
    assert "reshape" in [op.type for op in graph.ops]


def test_folded_model_equals_litert_and_runs_as_c(dynamic_model):
    path, shape = dynamic_model
    report = check_against_litert(path, samples=32, inputs=edge_int8(shape))
    assert report.samples == 48 and report.mismatched_samples == 0, report.first_mismatch
    report = verify_host(load_model(path), edge_int8(shape, samples=8))
    assert report.samples == 8 and report.ok, report.first_mismatch


def test_a_slice_outside_the_shape_is_a_format_error(dynamic_model):
    path, _ = dynamic_model
    model = read_tflite(path)
    op = next(op for op in model.operators if op.name == "STRIDED_SLICE")
    begin = op.inputs[1]
    model.tensors[begin].data = np.array([7], np.int32)  # past the end of a rank-4 shape
    model.tensors[op.inputs[2]].data = np.array([8], np.int32)
    with pytest.raises(ModelFormatError, match="STRIDED_SLICE"):
        fold_shape_arithmetic(model)
