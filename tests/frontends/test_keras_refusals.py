"""Layers and settings edgesmith cannot convert are refused with an UnsupportedError
that names the layer (name and class) and, for unknown layers, lists what is supported."""

from __future__ import annotations

import json

import pytest
from edgesmith.errors import UnsupportedError
from edgesmith.frontends import load_keras

from tests.helpers.keras_check import keras_or_skip

keras = keras_or_skip()  # before anything imports TensorFlow
layers = keras.layers


@keras.saving.register_keras_serializable(package="edgesmith_tests")
class Twice(layers.Layer):
    """A custom layer: its code lives in the user's program, not in Keras."""

    def call(self, x):
        return x * 2


def lambda_model():
    return keras.Sequential([keras.Input((4,)), layers.Dense(3, name="d"),
                             layers.Lambda(lambda z: z * 2, name="doubler")])


def custom_model():
    return keras.Sequential([keras.Input((4,)), layers.Dense(3), Twice(name="twice")])


def assert_refused(source, layer_name: str, class_name: str, **kwargs):
    with pytest.raises(UnsupportedError) as info:
        load_keras(source, **kwargs)
    message = str(info.value)
    assert f"'{layer_name}' ({class_name})" in message
    assert "supported layers:" in message and "Conv2D" in message and "Dense" in message


def test_lambda_layer_is_refused_in_memory_and_from_a_file(tmp_path):
    assert_refused(lambda_model(), "doubler", "Lambda")
    path = tmp_path / "lambda.keras"
    lambda_model().save(path)
    assert_refused(path, "doubler", "Lambda")  # refused from config.json, before Keras loads


def test_custom_layer_is_refused_in_memory_and_from_a_file(tmp_path):
    assert_refused(custom_model(), "twice", "Twice")
    path = tmp_path / "custom.keras"
    custom_model().save(path)
    assert_refused(path, "twice", "Twice")


def test_lambda_in_a_keras2_json_is_refused(tmp_path):
    config = {"class_name": "Sequential", "config": [
        {"class_name": "Dense", "config": {"name": "fc", "units": 2,
                                           "batch_input_shape": [None, 3]}},
        {"class_name": "Lambda", "config": {"name": "scale", "function": "..."}}]}
    arch = tmp_path / "lambda.json"
    arch.write_text(json.dumps(config))
    assert_refused(arch, "scale", "Lambda", weights=tmp_path / "never_opened.h5")


def test_unsupported_builtin_layer_is_named():
    model = keras.Sequential([keras.Input((3, 4)), layers.GRU(2, name="gru")])
    assert_refused(model, "gru", "GRU")


@pytest.mark.parametrize("model_fn,words", [
    (lambda: keras.Sequential([keras.Input((3, 8, 8)),
                               layers.Conv2D(2, 3, data_format="channels_first", name="cf")]),
     ["'cf' (Conv2D)", "channels_first"]),
    (lambda: keras.Sequential([keras.Input((5, 4)), layers.Dense(3, name="per_step")]),
     ["'per_step' (Dense)", "rank-3", "Flatten"]),
    (lambda: keras.Sequential([keras.Input((4,)), layers.Dense(3, activation="gelu", name="e")]),
     ["'e' (Dense)", "'gelu'"]),
    (lambda: keras.Sequential([keras.Input((4,)), layers.ELU(alpha=0.5, name="e5")]),
     ["'e5' (ELU)", "alpha=0.5"]),
    (lambda: keras.Sequential([keras.Input((4, 4, 2)),
                               layers.UpSampling2D(interpolation="bicubic", name="bc")]),
     ["'bc' (UpSampling2D)", "'bicubic'", "'bilinear'"]),
    (lambda: keras.Sequential([keras.Input((4, 4, 2)),
                               layers.Conv2DTranspose(2, 3, dilation_rate=2, name="dt")]),
     ["'dt' (Conv2DTranspose)", "dilated"]),
    (lambda: keras.Sequential([keras.Input((4,)), layers.ReLU(max_value=2.0, name="r2")]),
     ["'r2' (ReLU)", "max_value"]),
    (lambda: keras.Sequential([keras.Input((6, 6, 4)), layers.Conv2D(4, 3, groups=2, name="g")]),
     ["'g' (Conv2D)", "groups"]),
    (lambda: keras.Sequential([keras.Input((None, 3)), layers.Conv1D(2, 3)]),
     ["every dimension but the batch"]),
])
def test_unsupported_settings_are_explained(model_fn, words):
    with pytest.raises(UnsupportedError) as info:
        load_keras(model_fn())
    for word in words:
        assert word in str(info.value)


def test_subclassed_model_is_refused():
    class Net(keras.Model):
        def __init__(self):
            super().__init__()
            self.fc = layers.Dense(2)

        def call(self, x):
            return self.fc(x)

    net = Net()
    net(keras.ops.zeros((1, 3)))
    with pytest.raises(UnsupportedError, match="subclassed"):
        load_keras(net)


@pytest.mark.parametrize("change", ["enable_lora", "quantize"])
def test_layers_with_weights_we_do_not_understand_are_refused(change):
    dense = layers.Dense(3, name="fc")
    model = keras.Sequential([keras.Input((4,)), dense])
    if change == "enable_lora":
        dense.enable_lora(2)
    else:
        dense.quantize("int8")
    with pytest.raises(UnsupportedError, match="'fc' \\(Dense\\): has weights edgesmith does not"):
        load_keras(model)
