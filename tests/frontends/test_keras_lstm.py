"""Keras LSTM layers: imported as the IR lstm laid out as the TFLite converter lays it out
(per-gate weights, state tensors), equal to ``model.predict``; what TFLite Micro cannot run
is refused."""

from __future__ import annotations

import pytest

from edgesmith.errors import UnsupportedError
from edgesmith.frontends import load_model

from tests.helpers.keras_check import import_and_compare, keras_or_skip, randomize, samples

keras = keras_or_skip()  # before anything imports TensorFlow


@pytest.mark.parametrize("return_sequences", [True, False])
def test_keras_lstm_imports_as_the_converter_lays_it_out(return_sequences):
    model = randomize(keras.Sequential([
        keras.Input((6, 3)), keras.layers.LSTM(5, return_sequences=return_sequences),
        keras.layers.Flatten(), keras.layers.Dense(2)]))
    graph = import_and_compare(model, samples((6, 3)))  # equals model.predict
    lstm = graph.ops[0]
    assert lstm.type == "lstm" and graph.ops[1].type == ("reshape" if return_sequences
                                                         else "slice")
    assert [graph.tensors[n].shape for n in lstm.inputs[1:3]] == [(5, 3), (5, 3)]
    assert all(graph.tensors[n].variable for n in lstm.inputs[13:])


def test_keras_lstm_with_other_activations_is_refused():
    model = randomize(keras.Sequential([keras.Input((4, 2)),
                                        keras.layers.LSTM(3, activation="relu")]))
    with pytest.raises(UnsupportedError, match="other than tanh"):
        load_model(model)
