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


def _conv_model():
    return tf.keras.Sequential([
        tf.keras.Input((9, 9, 3)),
        tf.keras.layers.Conv2D(6, 3, padding="same", activation="relu",
                               bias_initializer="random_normal"),
        tf.keras.layers.DepthwiseConv2D(3, strides=2, depth_multiplier=2,
                                        bias_initializer="random_normal"),
        tf.keras.layers.Flatten(), tf.keras.layers.Dense(4)])


def _add_mul_model():
    x = tf.keras.Input((10,))
    a = tf.keras.layers.Dense(10, bias_initializer="random_normal")(x)
    b = tf.keras.layers.Dense(10, bias_initializer="random_normal")(x)
    s = tf.keras.layers.Add()([a, x])
    m = tf.keras.layers.Multiply()([s, b])
    return tf.keras.Model(x, tf.keras.layers.Add()([m, b]))


#: name -> (Keras model builder, input shape, TFLite ops its conversion holds at least)
MODELS = {
    "dense": (_dense_model, (12,), ["FULLY_CONNECTED", "FULLY_CONNECTED"]),
    "conv": (_conv_model, (9, 9, 3), ["CONV_2D", "DEPTHWISE_CONV_2D", "FULLY_CONNECTED"]),
    "add_mul": (_add_mul_model, (10,), ["ADD", "MUL"]),
}


@pytest.fixture(scope="module")
def converted(tmp_path_factory) -> dict[str, Path]:
    folder, out = tmp_path_factory.mktemp("int16"), {}
    tf.keras.utils.set_random_seed(3)
    for name, (build, shape, ops) in MODELS.items():
        calibration = np.random.default_rng(1).normal(size=(64, *shape)).astype(np.float32)
        out[name] = full_int16x8_tflite(build(), calibration, folder / f"{name}.tflite")
        assert set(ops) <= set(tflite_ops(out[name]))
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
