"""Every Keras layer and activation the importer promises (issue 12, Keras item), one tiny
model each: our float reference against Keras' predict, then edgesmith's PTQ and the
generated C on this machine equal to the simulator, raw integers compared."""

from __future__ import annotations

import numpy as np
import pytest

from tests.helpers.c_exact import assert_c_equals_simulator_exactly
from tests.helpers.keras_check import import_and_compare, keras_or_skip, op_types, randomize, \
    samples

keras = keras_or_skip()  # before anything imports TensorFlow
L = keras.layers


def _one(shape, *stack):
    return lambda: keras.Sequential([keras.Input(shape, batch_size=1), *stack])


def _merge(kind):
    def build():
        a, b = keras.Input((6,), batch_size=1), keras.Input((6,), batch_size=1)
        return keras.Model([a, b], getattr(L, kind)()([L.Dense(6)(a), L.Dense(6)(b)]))
    return build


def _nested():
    inner = keras.Sequential([keras.Input((8,)), L.Dense(6, activation="relu"), L.Dense(4)],
                             name="backbone")
    x = keras.Input((8,), batch_size=1)
    return keras.Model(x, L.Dense(3)(inner(x)))


def _batch_norm_after_relu():  # cannot fold into the convolution: a scale and shift
    return _one((6, 6, 3), L.Conv2D(4, 3, activation="relu"), L.BatchNormalization())()


#: case -> (model builder, an op type the import must contain)
CASES = {
    "nested_sequential": (_nested, "fully_connected"),
    "permute": (_one((4, 5, 3), L.Permute((2, 1, 3))), "transpose"),
    "global_max_pooling1d": (_one((6, 4), L.GlobalMaxPooling1D()), "reduce_max"),
    "global_max_pooling2d": (_one((5, 4, 3), L.GlobalMaxPooling2D()), "reduce_max"),
    "max_pooling1d": (_one((8, 3), L.MaxPooling1D(2)), "max_pool2d"),
    "average_pooling1d": (_one((9, 3), L.AveragePooling1D(3, strides=2, padding="same")),
                          "avg_pool2d"),
    "up_sampling1d": (_one((4, 2), L.UpSampling1D(3)), "resize_nearest"),
    "up_sampling2d_nearest": (_one((3, 4, 2), L.UpSampling2D((2, 3))), "resize_nearest"),
    "up_sampling2d_bilinear": (_one((3, 4, 2), L.UpSampling2D(2, interpolation="bilinear")),
                               "resize_bilinear"),
    "up_sampling2d_bilinear_uneven": (_one((4, 3, 2), L.UpSampling2D(
        (3, 2), interpolation="bilinear")), "resize_bilinear"),
    "conv2d_transpose_valid": (_one((4, 4, 3), L.Conv2DTranspose(5, 3, strides=2)),
                               "transpose_conv"),
    "conv2d_transpose_same_relu": (_one((4, 5, 3), L.Conv2DTranspose(
        4, 3, strides=2, padding="same", activation="relu")), "transpose_conv"),
    "conv2d_transpose_uneven_no_bias": (_one((5, 4, 3), L.Conv2DTranspose(
        2, (2, 3), strides=(1, 2), padding="same", use_bias=False)), "transpose_conv"),
    "conv2d_transpose_kernel_below_stride": (_one((3, 3, 2), L.Conv2DTranspose(
        3, 2, strides=3)), "transpose_conv"),
    "conv2d_transpose_output_padding": (_one((3, 5, 2), L.Conv2DTranspose(
        3, 4, strides=(2, 3), padding="same", output_padding=(1, 2))), "transpose_conv"),
    "conv2d_transpose_valid_output_padding": (_one((4, 4, 3), L.Conv2DTranspose(
        3, 3, strides=2, output_padding=1)), "transpose_conv"),
    "cropping1d": (_one((7, 3), L.Cropping1D((1, 2))), "slice"),
    "cropping2d": (_one((6, 7, 3), L.Cropping2D(((1, 0), (2, 1)))), "slice"),
    "zero_padding1d": (_one((5, 3), L.ZeroPadding1D((2, 1))), "pad"),
    "leaky_relu": (_one((4, 4, 3), L.LeakyReLU(negative_slope=0.1)), "leaky_relu"),
    "prelu": (_one((4, 4, 3), L.PReLU(shared_axes=[1, 2])), "prelu"),
    "elu": (_one((4, 4, 3), L.ELU()), "elu"),
    "subtract": (_merge("Subtract"), "sub"),
    "multiply": (_merge("Multiply"), "mul"),
    "maximum": (_merge("Maximum"), "maximum"),
    "minimum": (_merge("Minimum"), "minimum"),
    "average": (_merge("Average"), "add"),
    "softmax_axis1": (_one((4, 5), L.Softmax(axis=1)), "softmax"),
    "softmax_middle_axis": (_one((3, 4, 5), L.Softmax(axis=-2)), "softmax"),
    "softmax_two_axes": (_one((3, 4, 5), L.Softmax(axis=(1, 2))), "softmax"),
    "rescaling": (_one((4, 4, 3), L.Rescaling(1 / 127.5, offset=-1.0)), "mul"),
    "normalization": (_one((5,), L.Normalization(mean=[1.0, 2, 3, 4, 5],
                                                  variance=[1.0, 4, 9, 0.25, 2])), "mul"),
    "batch_norm_after_relu": (_batch_norm_after_relu, "mul"),
}

#: the cases this importer added, run by default; the others (older layers, also in
#: test_keras_more_layers) run with the slow suite, each case compiling its C
DEFAULT = {"conv2d_transpose_same_relu", "conv2d_transpose_output_padding",
           "up_sampling2d_bilinear", "elu", "softmax_axis1", "softmax_two_axes"}

#: Keras activation name -> the op type (or fused activation) it becomes after a Dense
#: layer
ACTIVATIONS = {"elu": "elu", "hard_sigmoid": "mul", "hard_swish": "hard_swish",
               "hard_silu": "hard_swish", "swish": "logistic", "silu": "logistic",
               "hard_tanh": "relu_n1_to_1", "relu6": "relu6", "sigmoid": "logistic",
               "tanh": "tanh", "softmax": "softmax", "leaky_relu": "leaky_relu"}


def _int8_batch(graph, n: int = 12, seed: int = 8) -> dict[str, np.ndarray]:
    """Random int8 samples, then the extremes and the zero point in the first three."""
    rng = np.random.default_rng(seed)
    batch = {}
    for name in graph.inputs:
        t = graph.tensors[name]
        x = rng.integers(-128, 128, (n, *t.shape[1:]), dtype=np.int8)
        x[0], x[1], x[2] = -128, 127, int(t.fmt.zero_point[0])
        batch[name] = x
    return batch


def _check(model, expect: str):
    from edgesmith.frontends import load_keras
    from edgesmith.passes import run_pipeline
    from edgesmith.quant import quantize_graph

    model = randomize(model)
    shapes = [tuple(i.shape[1:]) for i in model.inputs]
    floats = [samples(s, seed=1 + k) for k, s in enumerate(shapes)]
    graph = import_and_compare(model, floats if len(floats) > 1 else floats[0])
    kinds = set(op_types(graph)) | {op.attrs.get("activation") for op in graph.ops}
    assert expect in kinds, op_types(graph)
    calib = [samples(s, n=32, seed=7 + k) for k, s in enumerate(shapes)]
    calib = dict(zip(graph.inputs, calib)) if len(calib) > 1 else calib[0]
    quantized = quantize_graph(run_pipeline(load_keras(model)), calib)
    assert all(quantized.tensors[n].dtype == "int8" for n in quantized.inputs)
    assert_c_equals_simulator_exactly(quantized, _int8_batch(quantized))


def _default_or_slow(names, default):
    return [n if n in default else pytest.param(n, marks=pytest.mark.slow) for n in names]


@pytest.mark.parametrize("case", _default_or_slow(CASES, DEFAULT))
def test_layer_imports_quantizes_and_runs_as_c(case):
    build, expect = CASES[case]
    _check(build(), expect)


@pytest.mark.parametrize("activation", _default_or_slow(ACTIVATIONS, {"elu", "hard_swish",
                                                                      "hard_tanh"}))
def test_activation_imports_quantizes_and_runs_as_c(activation):
    _check(_one((10,), L.Dense(6, activation=activation))(), ACTIVATIONS[activation])


def _new_layers_model():
    x = keras.Input((5, 6, 3), batch_size=1)
    y = L.Conv2DTranspose(4, 3, strides=2, padding="same", activation="elu")(x)
    y = L.UpSampling2D(2, interpolation="bilinear")(y)
    y = L.Softmax(axis=1)(L.ELU()(y))
    return randomize(keras.Model(x, L.Conv2D(2, 1, activation="hard_swish")(y)))


@pytest.mark.parametrize("suffix", ["keras", "h5"])
def test_new_layers_load_from_files(tmp_path, suffix):
    model = _new_layers_model()
    path = tmp_path / f"m.{suffix}"
    model.save(path)
    graph = import_and_compare(model, samples((5, 6, 3)), source=path)
    assert {"transpose_conv", "elu", "resize_bilinear", "softmax", "hard_swish"} <= \
        set(op_types(graph))


def test_hard_sigmoid_of_a_keras2_file_is_keras2s(tmp_path):
    """Keras 2 defined hard_sigmoid as clip(0.2 x + 0.5, 0, 1); Keras 3 as relu6(x + 3) / 6.
    A file whose keras_version says 2 gets the Keras 2 function."""
    import h5py

    from edgesmith.frontends import load_keras
    from tests.helpers.float_run import assert_close, run_float

    model = randomize(keras.Sequential([keras.Input((6,), batch_size=1),
                                        L.Dense(4, activation="hard_sigmoid")]))
    path = tmp_path / "m.h5"
    model.save(path)
    x = samples((6,), n=64) * 4
    kernel, bias = model.layers[-1].get_weights()
    z = x.astype(np.float64) @ kernel + bias
    with h5py.File(path, "r+") as f:
        f.attrs["keras_version"] = "2.13.1"
    graph = load_keras(path)
    ours = run_float(graph, x)[graph.outputs[0]]
    assert_close(ours, np.clip(0.2 * z + 0.5, 0, 1))
    assert np.abs(ours - np.clip(z / 6 + 0.5, 0, 1)).max() > 0.05  # the two differ here


@pytest.mark.slow
def test_new_layers_quantized_on_the_emulated_m4_equal_the_simulator():
    from edgesmith.frontends import load_keras
    from edgesmith.passes import run_pipeline
    from edgesmith.quant import quantize_graph
    from edgesmith.verify.qemu import verify_qemu

    model = _new_layers_model()
    graph = quantize_graph(run_pipeline(load_keras(model)), samples((5, 6, 3), n=32, seed=7))
    report = verify_qemu(graph, _int8_batch(graph, n=6), board="mps2-an386")
    assert report.samples == 6 and report.ok, report.first_mismatch
