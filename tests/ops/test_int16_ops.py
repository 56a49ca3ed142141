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


@pytest.mark.parametrize("name", ["dense", "conv", "add_mul"])
def test_16x8_c_kernels_equal_the_simulator(converted, name):
    """es_fully_connected_s16, es_conv2d_s16, es_depthwise_conv2d_s16, es_add_s16 and
    es_mul_s16 on every such op of the converted models, fed the simulator's own inputs of
    that op."""
    from edgesmith.arith.params_int16 import C_INT16_OP_TYPES
    from edgesmith.codegen.c_params import kernel_params
    from tests.runtime.harness import runtime

    graph = load_tflite(converted[name])
    x = edge_int16(MODELS[name][1], samples=40)
    values = simulate(graph, x, keep_intermediates=True)
    rt, checked = runtime(), 0
    for op in graph.ops:
        if op.type not in C_INT16_OP_TYPES:
            continue
        kp = kernel_params(op, graph)
        want = values[op.outputs[0]]
        got = np.zeros_like(want)
        args = [None if n is None else graph.tensors[n].data if graph.tensors[n].is_const
                else values[n] for n in op.inputs]
        for s in range(want.shape[0]):
            out = got[s:s + 1]
            if op.type in ("conv2d", "depthwise_conv2d"):
                bias = args[2] if len(args) > 2 and args[2] is not None else None
                xi = np.ascontiguousarray(args[0][s:s + 1])
                rt.ok(getattr(rt.lib, kp.kernel)(
                    rt.struct(kp.args["params"]), rt.struct(kp.args["quant"]),
                    rt.dims(xi.shape), rt.ptr("int16_t", xi), rt.dims(args[1].shape),
                    rt.ptr("int8_t", args[1]),
                    rt.ffi.NULL if bias is None else rt.ptr("int64_t", bias),
                    rt.dims(out.shape), rt.ptr("int16_t", out)))
            elif op.type == "fully_connected":
                bias = args[2] if len(args) > 2 and args[2] is not None else None
                rt.ok(rt.lib.es_fully_connected_s16(
                    rt.struct(kp.args["quant"]), rt.struct(kp.args["dims"]),
                    rt.ptr("int16_t", np.ascontiguousarray(args[0][s])),
                    rt.ptr("int8_t", args[1]),
                    rt.ffi.NULL if bias is None else rt.ptr("int64_t", bias),
                    rt.ptr("int16_t", out)))
            else:
                a, b = (np.ascontiguousarray(v[s:s + 1]) if not graph.tensors[n].is_const
                        else v for n, v in zip(op.inputs, args))
                rt.ok(getattr(rt.lib, kp.kernel)(
                    rt.struct(kp.args["params"]), rt.struct(kp.args["clamp"]),
                    rt.dims(a.shape), rt.ptr("int16_t", a), rt.dims(b.shape),
                    rt.ptr("int16_t", b), rt.dims(out.shape), rt.ptr("int16_t", out)))
        np.testing.assert_array_equal(got, want)
        checked += 1
    assert checked == {"dense": 2, "conv": 3, "add_mul": 5}[name]


@pytest.mark.parametrize("name", sorted(MODELS))
def test_generated_c_of_16x8_models_equals_the_simulator(converted, name):
    """The whole converted model as generated C on the host (int16 ports), edge inputs."""
    from edgesmith.verify.host import verify_host

    graph = load_tflite(converted[name])
    report = verify_host(graph, edge_int16(MODELS[name][1], samples=40))
    assert report.samples == 40 and report.mismatched_samples == 0
