"""Every supported Keras layer: built here, imported, canonicalised, and run by the
float reference, which must equal ``model.predict`` within max abs error
1e-5 x max(1, output range) (float32 summation order differs, so a tolerance)."""

from __future__ import annotations

import pytest
from edgesmith.ir import same_padding

from tests.helpers.keras_check import (
    import_and_compare,
    keras_or_skip,
    op_types,
    randomize,
    samples,
)

keras = keras_or_skip()  # before anything imports TensorFlow
layers = keras.layers


def sequential(input_shape, *stack):
    return randomize(keras.Sequential([keras.Input(input_shape), *stack]))


def check(input_shape, *stack):
    return import_and_compare(sequential(input_shape, *stack), samples(input_shape))


@pytest.mark.parametrize("activation", ["linear", "relu", "relu6", "sigmoid", "tanh", "softmax"])
def test_dense_activations(activation):
    graph = check((12,), layers.Dense(8, activation=activation), layers.Dense(4, use_bias=False))
    assert op_types(graph)[0] == "fully_connected"
    assert graph.tensors[graph.ops[0].inputs[1]].shape == (8, 12)  # [out, in]


@pytest.mark.parametrize("kwargs", [{"padding": "valid"}, {"padding": "same"},
                                    {"padding": "same", "strides": 2},
                                    {"padding": "valid", "dilation_rate": 2},
                                    {"padding": "same", "strides": (2, 1), "use_bias": False}])
def test_conv2d(kwargs):
    graph = check((9, 8, 3), layers.Conv2D(5, (3, 2), activation="relu", **kwargs))
    (conv,) = graph.ops
    assert conv.type == "conv2d" and conv.attrs["activation"] == "relu"
    assert graph.tensors[conv.inputs[1]].shape == (5, 3, 2, 3)  # OHWI
    if kwargs["padding"] == "same":
        stride = kwargs.get("strides", 1)
        sh, sw = (stride, stride) if isinstance(stride, int) else stride
        assert conv.attrs["pads"] == (*same_padding(9, 3, sh), *same_padding(8, 2, sw))


@pytest.mark.parametrize("kwargs", [{"padding": "valid"}, {"padding": "same", "strides": 2},
                                    {"padding": "causal", "dilation_rate": 2}])
def test_conv1d_runs_as_conv2d_on_a_1xW_view(kwargs):
    graph = check((16, 3), layers.Conv1D(4, 3, activation="relu", **kwargs),
                  layers.Conv1D(2, 5, padding="same"))
    # consecutive 1-D layers share one view: only the first and last reshape remain
    assert op_types(graph) == ["reshape", "conv2d", "conv2d", "reshape"]


@pytest.mark.parametrize("multiplier,kwargs", [(1, {"padding": "valid"}),
                                               (2, {"padding": "same", "strides": 2}),
                                               (3, {"padding": "same", "dilation_rate": 2})])
def test_depthwise_conv2d(multiplier, kwargs):
    graph = check((9, 9, 4), layers.DepthwiseConv2D(3, depth_multiplier=multiplier,
                                                     activation="relu6", **kwargs))
    (dw,) = graph.ops
    assert dw.type == "depthwise_conv2d" and dw.attrs["depth_multiplier"] == multiplier
    assert graph.tensors[dw.inputs[1]].shape == (1, 3, 3, 4 * multiplier)


def test_separable_conv2d_is_depthwise_then_pointwise():
    graph = check((8, 8, 3), layers.SeparableConv2D(5, 3, depth_multiplier=2, padding="same",
                                                    strides=2, activation="relu"))
    assert op_types(graph) == ["depthwise_conv2d", "conv2d"]
    assert graph.ops[1].attrs["activation"] == "relu"


@pytest.mark.parametrize("before,expected_ops", [
    (lambda: layers.Conv2D(4, 3), ["conv2d"]),
    (lambda: layers.DepthwiseConv2D(3, depth_multiplier=2), ["depthwise_conv2d"]),
    (lambda: layers.Conv2D(4, 3, activation="relu"), ["conv2d", "mul", "add"]),
    (lambda: layers.Activation("linear"), ["mul", "add"]),
])
def test_batch_norm_folds_or_lowers(before, expected_ops):
    graph = check((6, 6, 2), before(), layers.BatchNormalization(epsilon=1e-2))
    assert op_types(graph) == expected_ops


def test_batch_norm_folds_into_dense_and_through_conv1d_views():
    graph = check((10,), layers.Dense(6), layers.BatchNormalization(center=False, scale=False))
    assert op_types(graph) == ["fully_connected"]
    graph = check((12, 3), layers.Conv1D(4, 3), layers.BatchNormalization(), layers.ReLU())
    assert op_types(graph) == ["reshape", "conv2d", "reshape"]
    assert graph.ops[1].attrs["activation"] == "relu"


def test_conv_batch_norm_relu_becomes_one_conv():
    graph = check((8, 8, 3), layers.Conv2D(6, 3, padding="same", use_bias=False),
                  layers.BatchNormalization(), layers.ReLU(max_value=6.0))
    (conv,) = graph.ops
    assert conv.type == "conv2d" and conv.attrs["activation"] == "relu6"


@pytest.mark.parametrize("layer", [
    lambda: layers.Activation("relu"), lambda: layers.Activation("relu6"),
    lambda: layers.Activation("sigmoid"), lambda: layers.Activation("tanh"),
    lambda: layers.Activation("softmax"), lambda: layers.ReLU(), lambda: layers.Softmax()])
def test_activation_layers(layer):
    check((5, 7), layer())


@pytest.mark.parametrize("pool", [layers.MaxPooling2D, layers.AveragePooling2D])
@pytest.mark.parametrize("kwargs", [{"pool_size": 2}, {"pool_size": 3, "strides": 2, "padding": "same"},
                                    {"pool_size": (2, 3), "strides": 1, "padding": "valid"}])
def test_pooling2d(pool, kwargs):
    # 'same' average pooling on odd sizes exercises padded cells not being counted
    check((7, 9, 3), pool(**kwargs))


@pytest.mark.parametrize("pool", [layers.MaxPooling1D, layers.AveragePooling1D])
@pytest.mark.parametrize("kwargs", [{"pool_size": 2}, {"pool_size": 3, "strides": 2,
                                                            "padding": "same"}])
def test_pooling1d(pool, kwargs):
    check((11, 3), pool(**kwargs))


@pytest.mark.parametrize("keepdims", [False, True])
def test_global_average_pooling_is_mean(keepdims):
    graph = check((5, 6, 3), layers.GlobalAveragePooling2D(keepdims=keepdims))
    assert op_types(graph) == ["mean"] and graph.ops[0].attrs["axes"] == (1, 2)
    graph = check((9, 4), layers.GlobalAveragePooling1D(keepdims=keepdims))
    assert op_types(graph) == ["mean"] and graph.ops[0].attrs["axes"] == (1,)


def test_flatten_reshape_dropout_zero_padding():
    graph = check((6, 6, 2), layers.ZeroPadding2D(((1, 2), (0, 1))), layers.Conv2D(3, 3),
                  layers.Dropout(0.5), layers.Flatten(), layers.Dense(6),
                  layers.Reshape((3, -1)), layers.Flatten())
    assert "pad" not in op_types(graph)  # FoldPad moved it into the conv's padding
    assert graph.ops[0].attrs["pads"] == (1, 2, 0, 1)
    assert op_types(check((4, 4, 2), layers.ZeroPadding2D(2))) == ["pad"]
    check((4, 4, 2), layers.ZeroPadding2D((1, 3)))


@pytest.mark.parametrize("layer,shape", [
    (lambda: layers.Dropout(0.5), (4, 4, 2)), (lambda: layers.SpatialDropout2D(0.5), (4, 4, 2)),
    (lambda: layers.SpatialDropout1D(0.5), (4, 2)), (lambda: layers.GaussianNoise(1.0), (4, 4, 2)),
    (lambda: layers.GaussianDropout(0.5), (4, 4, 2))])
def test_training_only_layers_leave_no_op(layer, shape):
    graph = check(shape, layer(), layers.Flatten())
    assert op_types(graph) == ["reshape"]


def test_functional_add_concatenate_shared_layer_and_two_outputs():
    a, b = keras.Input((6, 6, 3), name="a"), keras.Input((6, 6, 3), name="b")
    shared = layers.Conv2D(4, 3, padding="same", name="shared")
    ya, yb = shared(a), shared(b)  # one layer, two calls
    total = layers.Add(name="total")([ya, yb, layers.Conv2D(4, 1)(a)])
    joined = layers.Concatenate(axis=-1)([total, ya])
    rows = layers.Concatenate(axis=1, name="rows")([ya, yb])
    head = layers.Dense(3, activation="softmax", name="head")(layers.GlobalAveragePooling2D()(joined))
    model = randomize(keras.Model([a, b], [head, rows]))
    graph = import_and_compare(model, [samples((6, 6, 3), seed=2), samples((6, 6, 3), seed=3)])
    assert graph.inputs == ["a", "b"] and graph.outputs == ["head", "rows"]
    assert op_types(graph).count("add") == 2
