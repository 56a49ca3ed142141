"""Keras model files: .keras, legacy .h5, architecture .json + weights, the hls4ml
models in shared/, and malformed files (each error names the file)."""

from __future__ import annotations

import json
from pathlib import Path

import h5py
import numpy as np
import pytest
from edgesmith.errors import ModelFormatError
from edgesmith.frontends import load_keras
from edgesmith.passes import run_pipeline

from tests.helpers.float_run import assert_close, run_float
from tests.helpers.keras_check import import_and_compare, keras_or_skip, randomize, samples
from tests.helpers.paths import HLS4ML_MODELS as HLS4ML

keras = keras_or_skip()  # before anything imports TensorFlow
layers = keras.layers


@pytest.fixture(scope="module")
def cnn():
    """A small CNN with the common layers, reused by every file round trip."""
    x = keras.Input((8, 8, 2), name="image")
    y = layers.Conv2D(4, 3, padding="same", use_bias=False)(x)
    y = layers.BatchNormalization()(y)
    y = layers.ReLU()(y)
    y = layers.DepthwiseConv2D(3, strides=2, padding="same", activation="relu6")(y)
    y = layers.MaxPooling2D()(y)
    y = layers.Flatten()(y)
    y = layers.Dropout(0.2)(y)
    y = layers.Dense(3, activation="softmax", name="probs")(y)
    return randomize(keras.Model(x, y))


def test_keras_archive_round_trip(cnn, tmp_path):
    path = tmp_path / "cnn.keras"
    cnn.save(path)
    graph = import_and_compare(cnn, samples((8, 8, 2)), source=path)
    assert graph.meta["path"] == str(path) and graph.outputs == ["probs"]


def test_legacy_h5_round_trip(cnn, tmp_path):
    path = tmp_path / "cnn.h5"
    cnn.save(path)
    import_and_compare(cnn, samples((8, 8, 2)), source=path)


def _legacy_weights_file(model, tmp_path: Path) -> Path:
    """A weights-only HDF5 in the Keras 2 layout (layer_names/weight_names), as Keras wrote it."""
    full, out = tmp_path / "full.h5", tmp_path / "legacy_weights.h5"
    model.save(full)
    with h5py.File(full, "r") as src, h5py.File(out, "w") as dst:
        group = src["model_weights"]
        for key, value in group.attrs.items():
            dst.attrs[key] = value
        for name in group:
            src.copy(group[name], dst, name=name)
    return out


def test_json_with_legacy_weights(cnn, tmp_path):
    arch = tmp_path / "cnn.json"
    arch.write_text(cnn.to_json())
    weights = _legacy_weights_file(cnn, tmp_path)
    graph = import_and_compare(cnn, samples((8, 8, 2)), source=arch, weights=weights)
    assert graph.meta["weights"] == str(weights)


def test_json_with_keras3_weights(cnn, tmp_path):
    arch, weights = tmp_path / "cnn.json", tmp_path / "cnn.weights.h5"
    arch.write_text(cnn.to_json())
    cnn.save_weights(weights)
    import_and_compare(cnn, samples((8, 8, 2)), source=arch, weights=weights)


# -- the hls4ml models: Keras 2 JSON + weights-only HDF5 that Keras 3 cannot load --------
def _hls4ml(name: str):
    graph = load_keras(HLS4ML / f"{name}.json", weights=HLS4ML / f"{name}_weights.h5")
    with h5py.File(HLS4ML / f"{name}_weights.h5", "r") as f:
        weights = {layer: (f[f"{layer}/{layer}/kernel:0"][()], f[f"{layer}/{layer}/bias:0"][()])
                   for layer in f if f[layer].attrs["weight_names"].size}
    return run_pipeline(graph, verify=True), weights


def _dense(x, wb):
    return x.astype(np.float64) @ wb[0] + wb[1]


def _softmax(z):
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def _relu(z):
    return np.maximum(z, 0)


def test_hls4ml_one_layer():
    graph, w = _hls4ml("KERAS_1layer")
    x = samples((10,), n=64)
    expected = 1 / (1 + np.exp(-_dense(_relu(_dense(x, w["fc1_relu"])), w["output_sigmoid"])))
    assert graph.inputs == ["input_1"] and graph.outputs == ["output_sigmoid"]
    assert_close(run_float(graph, x)["output_sigmoid"], expected)


def test_hls4ml_three_layer_jet_tagger():
    graph, w = _hls4ml("KERAS_3layer")
    x = samples((16,), n=64)
    h = x
    for layer in ("fc1_relu", "fc2_relu", "fc3_relu"):
        h = _relu(_dense(h, w[layer]))
    expected = _softmax(_dense(h, w["output_softmax"]))
    assert [op.type for op in graph.ops] == ["fully_connected"] * 4 + ["softmax"]
    assert_close(run_float(graph, x)["output_softmax"], expected)


def test_hls4ml_conv2d_model():
    graph, w = _hls4ml("KERAS_conv2d_model")
    x = samples((8, 8, 1), n=16)
    kernel, bias = w["conv2d_1"]  # [3, 3, 1, 2], 'same', relu
    padded = np.pad(x.astype(np.float64), ((0, 0), (1, 1), (1, 1), (0, 0)))
    conv = sum(np.einsum("nhwc,co->nhwo", padded[:, i:i + 8, j:j + 8], kernel[i, j])
               for i in range(3) for j in range(3))
    expected = _softmax(_dense(_relu(conv + bias).reshape(16, -1), w["dense_1"]))
    assert_close(run_float(graph, x)["dense_1"], expected)


# -- malformed and missing files ------------------------------------------------------
def _truncated(tmp_path: Path, source: Path) -> Path:
    data = source.read_bytes()
    out = tmp_path / f"truncated{source.suffix}"
    out.write_bytes(data[: len(data) // 2])
    return out


@pytest.mark.parametrize("suffix", [".keras", ".h5"])
def test_truncated_files_are_model_format_errors_naming_the_file(cnn, tmp_path, suffix):
    whole = tmp_path / f"whole{suffix}"
    cnn.save(whole)
    bad = _truncated(tmp_path, whole)
    with pytest.raises(ModelFormatError, match=bad.name):
        load_keras(bad)


def test_malformed_json_and_missing_pieces(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text("{ not json")
    with pytest.raises(ModelFormatError, match="bad.json"):
        load_keras(bad, weights=HLS4ML / "KERAS_1layer_weights.h5")
    with pytest.raises(ModelFormatError, match="needs its weights"):
        load_keras(HLS4ML / "KERAS_1layer.json")
    with pytest.raises(ModelFormatError, match="weights only"):
        load_keras(HLS4ML / "KERAS_1layer_weights.h5")
    with pytest.raises(ModelFormatError, match="nowhere.keras"):
        load_keras(tmp_path / "nowhere.keras")
    not_a_model = tmp_path / "config.json"
    not_a_model.write_text(json.dumps({"hello": 1}))
    with pytest.raises(ModelFormatError, match="not a Keras model config"):
        load_keras(not_a_model, weights=HLS4ML / "KERAS_1layer_weights.h5")
