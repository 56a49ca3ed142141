"""``quantize --act-bits 16``: TFLite's 16x8 scheme from a float model, compared with the
TFLite converter's 16x8 conversion of the same Keras model on the same calibration data."""

from __future__ import annotations

import numpy as np
import pytest

from edgesmith.errors import EdgesmithError, UnsupportedError
from edgesmith.frontends import load_keras
from edgesmith.frontends.tflite import load_tflite
from edgesmith.io import load_esm
from edgesmith.passes.pipeline import run_pipeline
from edgesmith.quant import quantize_graph
from edgesmith.sim import simulate

from tests.helpers.cli_run import cli, cli_json
from tests.helpers.converter import full_int16x8_tflite
from tests.helpers.paths import HLS4ML_MODELS

tf = pytest.importorskip("tensorflow")


def _cnn():
    return tf.keras.Sequential([
        tf.keras.Input((8, 8, 2)),
        tf.keras.layers.Conv2D(6, 3, padding="same", activation="relu",
                               bias_initializer="random_normal"),
        tf.keras.layers.DepthwiseConv2D(3, strides=2, bias_initializer="random_normal"),
        tf.keras.layers.Flatten(),
        tf.keras.layers.Dense(12, activation="tanh", bias_initializer="random_normal"),
        tf.keras.layers.Dense(8, activation="sigmoid", bias_initializer="random_normal"),
        tf.keras.layers.Dense(5, bias_initializer="random_normal"),
        tf.keras.layers.Activation("softmax")])


@pytest.fixture(scope="module")
def pair(tmp_path_factory):
    """(our 16x8 graph, the converter's 16x8 graph, calibration data) of one Keras CNN."""
    tf.keras.utils.set_random_seed(4)
    model = _cnn()
    calibration = np.random.default_rng(0).normal(size=(64, 8, 8, 2)).astype(np.float32)
    path = full_int16x8_tflite(model, calibration, tmp_path_factory.mktemp("act16") / "cnn.tflite")
    ours = quantize_graph(run_pipeline(load_keras(model)), calibration, act_bits=16)
    return ours, load_tflite(path), calibration


def test_formats_equal_the_converters(pair):
    ours, theirs, _ = pair
    assert [op.type for op in ours.ops] == [op.type for op in theirs.ops]
    pairs = [(ours.inputs[0], theirs.inputs[0])]
    for a, b in zip(ours.ops, theirs.ops):
        pairs.append((a.outputs[0], b.outputs[0]))
        if len(a.inputs) > 1:  # the weights: int8, per channel, as the converter's
            pairs.append((a.inputs[1], b.inputs[1]))
    for mine, conv in pairs:
        m, c = ours.tensors[mine], theirs.tensors[conv]
        assert (m.dtype, m.fmt.bits) == (c.dtype, c.fmt.bits), mine
        np.testing.assert_array_equal(m.fmt.zero_point, c.fmt.zero_point)
        np.testing.assert_allclose(m.fmt.scale, c.fmt.scale, rtol=1e-5)  # float rounding only
    biases = [(a.inputs[2], b.inputs[2]) for a, b in zip(ours.ops, theirs.ops)
              if len(a.inputs) > 2 and a.inputs[2] is not None]
    assert len(biases) == 5
    for mine, conv in biases:
        assert ours.tensors[mine].dtype == theirs.tensors[conv].dtype == "int64"
        np.testing.assert_allclose(ours.tensors[mine].data, theirs.tensors[conv].data,
                                   atol=2, rtol=1e-4)


def test_outputs_close_to_the_converters(pair):
    ours, theirs, calibration = pair
    x = calibration[:48]
    mine = simulate(ours, ours.tensors[ours.inputs[0]].fmt.quantize(x))[ours.outputs[0]]
    conv = simulate(theirs, theirs.tensors[theirs.inputs[0]].fmt.quantize(x))[theirs.outputs[0]]
    assert mine.dtype == conv.dtype == np.int16
    assert np.abs(mine.astype(np.int32) - conv).max() <= 16  # Q0.15 codes: 5e-4
    assert len(np.unique(mine)) > 50


def test_generated_c_of_our_16x8_model_equals_the_simulator(pair):
    from edgesmith.verify.host import verify_host
    from tests.helpers.converter import edge_int16

    ours, _, _ = pair
    report = verify_host(ours, edge_int16((8, 8, 2), samples=24))
    assert report.samples == 24 and report.mismatched_samples == 0


def test_an_op_without_a_16x8_kernel_is_refused():
    model = tf.keras.Sequential([tf.keras.Input((6, 6, 1)), tf.keras.layers.MaxPooling2D(2),
                                 tf.keras.layers.Flatten(), tf.keras.layers.Dense(3)])
    graph = run_pipeline(load_keras(model))
    with pytest.raises(UnsupportedError, match=r"\(max_pool2d.*no 16x8 kernel"):
        quantize_graph(graph, np.zeros((4, 6, 6, 1), np.float32), act_bits=16)
    with pytest.raises(EdgesmithError, match="int8 weights"):
        quantize_graph(graph, np.zeros((4, 6, 6, 1), np.float32), act_bits=16, weight_bits=4)


def test_cli_act_bits_16(tmp_path):
    calib = tmp_path / "calib.npy"
    np.save(calib, np.random.default_rng(1).normal(size=(32, 16)).astype(np.float32))
    out = tmp_path / "jet16.esm"
    info = cli_json(tmp_path, "quantize", str(HLS4ML_MODELS / "KERAS_3layer.json"), "--weights",
                    str(HLS4ML_MODELS / "KERAS_3layer_weights.h5"), "--calib", str(calib),
                    "--act-bits", "16", "-o", str(out))
    assert info["act_bits"] == 16
    graph = load_esm(out)
    activations = [t for t in graph.tensors.values() if not t.is_const]
    assert activations and all(t.dtype == "int16" and t.fmt.bits == 16 for t in activations)
    assert {op.type for op in graph.ops} >= {"fully_connected", "softmax"}

    pooled = tmp_path / "pooled.keras"
    tf.keras.Sequential([tf.keras.Input((6, 6, 1)), tf.keras.layers.MaxPooling2D(2),
                         tf.keras.layers.Flatten(), tf.keras.layers.Dense(3)]).save(pooled)
    np.save(calib, np.zeros((4, 6, 6, 1), np.float32))
    refused = tmp_path / "pooled16.esm"
    proc = cli(tmp_path, "quantize", str(pooled), "--calib", str(calib), "--act-bits", "16",
               "-o", str(refused))
    assert proc.returncode == 2 and "max_pool2d" in proc.stderr + proc.stdout
    assert "Traceback" not in proc.stderr and not refused.exists()
