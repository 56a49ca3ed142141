"""Keras LSTM models quantized by edgesmith (``Model.quantize``) as the TFLite converter's
full-int8 conversion of the same model quantizes them: every parameter compared with the
converter's file (lstm_ptq.py says which are bit-equal and why the others may differ by a few
float32 ulps), and the outputs equal to TFLite Micro running the converter's model, on random
and edge inputs, fresh state per sample and state carried over sequences of samples."""

from __future__ import annotations

import numpy as np
import pytest

import edgesmith
from edgesmith.frontends.tflite import load_tflite
from edgesmith.sim import simulate_sequences

from tests.helpers.converter import edge_int8
from tests.helpers.keras_check import keras_or_skip
from tests.recurrent.lstm_ptq import build_pair, compare_dense, compare_lstm

keras = keras_or_skip()  # before anything imports TensorFlow
pytest.importorskip("tf_keras")
pytest.importorskip("tflite_micro")

#: (units, time steps, features, return_sequences); the first one runs by default
SMALL = (4, 3, 2, False)
SIZES = [(4, 1, 2, True), (16, 8, 5, True), (16, 5, 3, False), (32, 6, 8, False),
         (32, 2, 4, True)]


def _quantized(pair, path=None):
    model = edgesmith.load(path or pair.h5)
    assert model.graph.is_stateful and not model.quantized
    return model.quantize(pair.calibration).graph


def _check_outputs(pair, ours) -> None:
    from edgesmith.verify.tflm import run_tflm

    shape = pair.calibration.shape[1:]
    x = edge_int8(shape, 60, seed=1)
    for steps in (1, 5):  # fresh state per sample; carried over 5 samples
        mine = simulate_sequences(ours, {ours.inputs[0]: x}, steps)[ours.outputs[0]]
        np.testing.assert_array_equal(mine, run_tflm(pair.converted, [x], steps=steps)[0])
        assert len(np.unique(mine)) > 20


def _check(size, folder, seed) -> tuple:
    pair = build_pair(*size, seed=seed, folder=folder)
    theirs, ours = load_tflite(pair.converted), _quantized(pair)
    compare_lstm(theirs, ours)
    compare_dense(theirs, ours)
    _check_outputs(pair, ours)
    return pair, ours


def test_small_keras2_lstm_quantizes_as_the_converter(tmp_path):
    _check(SMALL, tmp_path, seed=0)


@pytest.mark.slow  # a TFLite conversion of a Keras 2 LSTM per size: about a minute in all
@pytest.mark.parametrize("size", SIZES)
def test_keras2_lstm_quantizes_as_the_converter(tmp_path, size):
    _check(size, tmp_path, seed=SIZES.index(size) + 1)


@pytest.mark.slow
def test_keras3_lstm_quantizes_as_the_converter(tmp_path):
    """The same layers and weights in Keras 3 (.keras), which the converter does not fuse:
    quantized equal to the tf_keras model's quantization, so to the converter's."""
    size = (16, 4, 3, True)
    pair, from_h5 = _check(size, tmp_path, seed=7)
    units, steps, features, sequences = size
    model = keras.Sequential([keras.Input((steps, features)),
                              keras.layers.LSTM(units, return_sequences=sequences),
                              keras.layers.Flatten(), keras.layers.Dense(3)])
    model.set_weights(pair.keras2.get_weights())
    model.save(tmp_path / "lstm.keras")
    ours = _quantized(pair, tmp_path / "lstm.keras")
    compare_lstm(load_tflite(pair.converted), ours)
    for op_h5, op_k3 in zip(from_h5.ops, ours.ops):
        assert op_h5.type == op_k3.type
        for a, b in zip(op_h5.inputs, op_k3.inputs):
            ta, tb = from_h5.tensors[a], ours.tensors[b]
            assert ta.fmt == tb.fmt
            if ta.data is not None:
                np.testing.assert_array_equal(tb.data, ta.data)
    _check_outputs(pair, ours)


@pytest.mark.slow
def test_generated_c_of_a_quantized_keras_lstm_equals_the_simulator(tmp_path):
    from edgesmith.verify.host import verify_host

    pair = build_pair(16, 5, 3, True, seed=11, folder=tmp_path)
    report = verify_host(_quantized(pair), edge_int8((5, 3), 20))
    assert report.samples == 20 and report.mismatched_samples == 0
