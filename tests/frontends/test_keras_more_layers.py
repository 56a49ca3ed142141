"""The Keras layers beyond the core set: 1-D/2-D cropping, nearest up-sampling, 1-D zero
padding, global max pooling, LeakyReLU, PReLU, Rescaling, Normalization and the composite
activations (swish, hard_sigmoid, hard_swish, leaky_relu). Float reference against
``model.predict``; the quantized models then run as C on the host, equal to the simulator."""

from __future__ import annotations

import numpy as np
import pytest

from tests.helpers.keras_check import import_and_compare, keras_or_skip, op_types, randomize, \
    samples

keras = keras_or_skip()  # before anything imports TensorFlow
layers = keras.layers


def check(shape, *stack):
    model = randomize(keras.Sequential([keras.Input(shape, batch_size=1), *stack]))
    return import_and_compare(model, samples(shape))


@pytest.mark.parametrize("layer,shape,expect", [
    (layers.Cropping1D((1, 2)), (7, 3), "slice"),
    (layers.Cropping2D(((1, 0), (2, 1))), (6, 7, 3), "slice"),
    (layers.Cropping2D(1), (5, 5, 2), "slice"),
    (layers.UpSampling1D(3), (4, 2), "resize_nearest"),
    (layers.UpSampling2D((2, 3)), (3, 4, 2), "resize_nearest"),
    (layers.ZeroPadding1D((2, 1)), (5, 3), "pad"),
    (layers.GlobalMaxPooling1D(), (6, 4), "reduce_max"),
    (layers.GlobalMaxPooling2D(keepdims=True), (5, 4, 3), "reduce_max"),
    (layers.LeakyReLU(negative_slope=0.1), (4, 4, 3), "leaky_relu"),
    (layers.PReLU(shared_axes=[1, 2]), (4, 4, 3), "prelu"),
    (layers.PReLU(), (6,), "prelu"),
    (layers.Rescaling(1 / 127.5, offset=-1.0), (4, 4, 3), "mul"),
])
def test_layer(layer, shape, expect):
    graph = check(shape, layer)
    assert expect in op_types(graph)


@pytest.mark.parametrize("activation", ["swish", "silu", "hard_sigmoid", "hard_swish",
                                        "leaky_relu"])
def test_composite_activation(activation):
    check((10,), layers.Dense(6, activation=activation))


def test_normalization_adapted_and_given():
    data = np.random.default_rng(3).normal(2.0, 3.0, (64, 5)).astype(np.float32)
    adapted = layers.Normalization()
    adapted.adapt(data)
    check((5,), adapted, layers.Dense(3))
    check((5,), layers.Normalization(mean=[1.0, 2, 3, 4, 5], variance=[1.0, 4, 9, 0.25, 2]))


def _quantized_c_equals_simulator(model, shape):
    from edgesmith.frontends import load_keras
    from edgesmith.passes import run_pipeline
    from edgesmith.quant import quantize_graph
    from edgesmith.verify.host import verify_host

    graph = quantize_graph(run_pipeline(load_keras(model)), samples(shape, n=32, seed=7))
    x = np.random.default_rng(8).integers(-128, 128, (16, *shape), dtype=np.int8)
    x[0], x[1] = -128, 127  # the extremes
    report = verify_host(graph, x)
    assert report.samples == 16 and report.ok, report.first_mismatch
    return graph


def test_2d_layers_quantized_run_as_c():
    x = keras.Input((8, 8, 3), batch_size=1)
    y = layers.Rescaling(0.5, offset=0.25)(x)
    y = layers.Conv2D(4, 3, padding="same")(y)
    y = layers.LeakyReLU(negative_slope=0.1)(y)
    y = layers.PReLU(shared_axes=[1, 2])(y)
    y = layers.Cropping2D(((1, 2), (0, 1)))(y)
    y = layers.UpSampling2D(2)(y)
    y = layers.GlobalMaxPooling2D()(y)
    y = layers.Dense(6, activation="hard_swish")(y)
    y = layers.Dense(3, activation="swish")(y)
    graph = _quantized_c_equals_simulator(randomize(keras.Model(x, y)), (8, 8, 3))
    assert {"leaky_relu", "prelu", "slice", "resize_nearest", "reduce_max"} <= set(op_types(graph))


def test_1d_layers_quantized_run_as_c():
    x = keras.Input((12, 3), batch_size=1)
    y = layers.Normalization(mean=[0.5, -1.0, 2.0], variance=[4.0, 1.0, 0.25])(x)
    y = layers.ZeroPadding1D(2)(y)
    y = layers.Conv1D(4, 3, activation="relu")(y)
    y = layers.UpSampling1D(2)(y)
    y = layers.Cropping1D((1, 3))(y)
    y = layers.GlobalMaxPooling1D()(y)
    y = layers.Dense(2, activation="hard_sigmoid")(y)
    _quantized_c_equals_simulator(randomize(keras.Model(x, y)), (12, 3))
