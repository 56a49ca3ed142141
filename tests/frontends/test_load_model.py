"""load_model dispatches on the source's type or suffix, and explains what it accepts."""

from __future__ import annotations

import numpy as np
import pytest
from edgesmith.errors import ModelFormatError
from edgesmith.frontends import load_model
from edgesmith.io import save_esm
from sklearn.linear_model import LogisticRegression

from tests.helpers.graphs import assert_same_graph
from tests.helpers.keras_check import keras_or_skip
from tests.helpers.paths import HLS4ML_MODELS as HLS4ML

keras = keras_or_skip()  # before anything imports TensorFlow
layers = keras.layers


@pytest.fixture(scope="module")
def mlp():
    return keras.Sequential([keras.Input((5,)), layers.Dense(4, activation="relu", name="h"),
                             layers.Dense(2, name="out")])


def test_keras_sources(mlp, tmp_path):
    from_memory = load_model(mlp)
    assert from_memory.meta["source"] == "keras"
    for suffix in (".keras", ".h5"):
        mlp.save(tmp_path / f"m{suffix}")
        assert_same_graph(load_model(tmp_path / f"m{suffix}"), from_memory)
        assert_same_graph(load_model(str(tmp_path / f"m{suffix}")), from_memory)
    json_graph = load_model(HLS4ML / "KERAS_3layer.json", weights=HLS4ML / "KERAS_3layer_weights.h5")
    assert json_graph.inputs == ["input_1"]


def test_sklearn_estimator():
    x = np.random.default_rng(0).standard_normal((40, 3))
    model = LogisticRegression().fit(x, x[:, 0] > 0)
    assert load_model(model).meta["estimator"] == "LogisticRegression"


def test_esm_round_trip(mlp, tmp_path):
    graph = load_model(mlp)
    path = save_esm(graph, tmp_path / "m.esm")
    assert_same_graph(load_model(path), graph)


def test_tflite_goes_to_the_tflite_frontend(tmp_path):
    path = tmp_path / "model.TFLITE"  # the suffix is matched without regard to case
    path.write_bytes((HLS4ML.parent / "tflm" / "hello_world_int8.tflite").read_bytes())
    graph = load_model(path)
    assert graph.meta["source"] == "tflite" and len(graph.ops) == 3


def test_what_is_not_accepted(tmp_path):
    with pytest.raises(ModelFormatError, match="no such file"):
        load_model(tmp_path / "absent.tflite")
    with pytest.raises(ModelFormatError, match="not a file"):
        load_model(tmp_path)
    notes = tmp_path / "notes.txt"
    notes.write_text("hello")
    with pytest.raises(ModelFormatError, match=r"'\.txt'; accepted: \.tflite, \.keras"):
        load_model(notes)
    with pytest.raises(ModelFormatError, match="cannot import a dict; accepted"):
        load_model({"not": "a model"})
