"""Converter-built UNIDIRECTIONAL_SEQUENCE_LSTM models: Keras 2 (``tf_keras``) LSTM layers of
several sizes, which the TFLite converter fuses into one LSTM op when converted at batch 1,
full-int8 and float. The simulator equals TFLite Micro on random and edge inputs (fresh
state per sample, and state carried over sequences of samples); the generated C equals the
simulator on the host."""

from __future__ import annotations

import numpy as np
import pytest

from edgesmith.frontends.tflite import load_tflite
from edgesmith.sim import simulate_sequences
from edgesmith.verify.tflm import run_tflm

from tests.helpers.converter import edge_int8, keras2_lstm_tflite, tflite_ops

pytestmark = pytest.mark.slow  # six TFLite conversions of Keras 2 LSTMs: minutes
pytest.importorskip("tf_keras")
pytest.importorskip("tflite_micro")

#: (units, time steps, features, return_sequences)
SIZES = [(4, 3, 2, False), (16, 10, 5, True), (32, 6, 8, False)]


@pytest.fixture(scope="module")
def models(tmp_path_factory) -> dict:
    """(size, "int8" | "float") -> path of its converted model."""
    folder, out = tmp_path_factory.mktemp("keras2_lstm"), {}
    for k, (units, steps, features, sequences) in enumerate(SIZES):
        calibration = np.random.default_rng(k).normal(size=(32, steps, features))
        for kind, calib in (("int8", calibration.astype(np.float32)), ("float", None)):
            path = keras2_lstm_tflite(units, steps, features, sequences, calib,
                                      folder / f"lstm{units}_{kind}.tflite", seed=k)
            assert tflite_ops(path).count("UNIDIRECTIONAL_SEQUENCE_LSTM") == 1
            out[SIZES[k], kind] = path
    assert len(out) == 6
    return out


def _run_both(path, x, steps):
    graph = load_tflite(path)
    ours = simulate_sequences(graph, {graph.inputs[0]: x}, steps)[graph.outputs[0]]
    return graph, ours, run_tflm(path, [x], steps=steps)[0]


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("steps", [1, 5])  # fresh state per sample; carried over 5 samples
def test_int8_lstm_equals_tflm(models, size, steps):
    units, time, features, _ = size
    graph, ours, theirs = _run_both(models[size, "int8"], edge_int8((time, features), 60),
                                    steps)
    assert next(op for op in graph.ops if op.type == "lstm")
    np.testing.assert_array_equal(ours, theirs)
    assert len(np.unique(theirs)) > 50


@pytest.mark.parametrize("size", SIZES)
def test_float_lstm_equals_tflm(models, size):
    _, time, features, _ = size
    x = np.random.default_rng(1).normal(size=(20, time, features)).astype(np.float32)
    _, ours, theirs = _run_both(models[size, "float"], x, 5)
    np.testing.assert_allclose(ours, theirs, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("size", SIZES)
def test_generated_c_of_int8_lstm_equals_the_simulator(models, size):
    from edgesmith.verify.host import verify_host

    _, time, features, _ = size
    report = verify_host(load_tflite(models[size, "int8"]), edge_int8((time, features), 20))
    assert report.samples == 20 and report.mismatched_samples == 0
