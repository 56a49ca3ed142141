"""16x8 ops (int16 activations, int8 weights, int64 bias) from the TFLite converter's
EXPERIMENTAL_TFLITE_BUILTINS_ACTIVATIONS_INT16_WEIGHTS_INT8 op set, with int16 model inputs
and outputs: the simulator equals TFLite Micro bit for bit on edge inputs."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from edgesmith.frontends.tflite import load_tflite
from edgesmith.sim import simulate
from edgesmith.verify.tflm import run_tflm

from tests.helpers.converter import edge_int16, full_int16x8_tflite, tflite_ops

tf = pytest.importorskip("tensorflow")
pytest.importorskip("tflite_micro")


def _dense_model():
    return tf.keras.Sequential([
        tf.keras.Input((12,)),
        tf.keras.layers.Dense(8, activation="relu", bias_initializer="random_normal"),
        tf.keras.layers.Dense(5, bias_initializer="random_normal")])


#: name -> (Keras model builder, input shape, TFLite ops the conversion must hold)
MODELS = {
    "dense": (_dense_model, (12,), ["FULLY_CONNECTED", "FULLY_CONNECTED"]),
}


@pytest.fixture(scope="module")
def converted(tmp_path_factory) -> dict[str, Path]:
    folder, out = tmp_path_factory.mktemp("int16"), {}
    tf.keras.utils.set_random_seed(3)
    for name, (build, shape, ops) in MODELS.items():
        calibration = np.random.default_rng(1).normal(size=(64, *shape)).astype(np.float32)
        out[name] = full_int16x8_tflite(build(), calibration, folder / f"{name}.tflite")
        assert tflite_ops(out[name]) == ops
    return out


@pytest.mark.parametrize("name", sorted(MODELS))
def test_16x8_model_equals_tflm(converted, name):
    path = converted[name]
    graph = load_tflite(path)
    assert all(graph.tensors[n].dtype == "int16" for n in graph.inputs + graph.outputs)
    x = edge_int16(MODELS[name][1], samples=200)
    ours = simulate(graph, x)[graph.outputs[0]]
    theirs = run_tflm(path, [x])[0]
    np.testing.assert_array_equal(ours, theirs)
    assert len(np.unique(theirs)) > 100  # outputs spread: the comparison means something
