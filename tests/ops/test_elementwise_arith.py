"""The elementwise ops with integer arithmetic of their own (sub, squared_difference, abs,
leaky_relu), the value-choosing ones (maximum, minimum: raw values in one format) and
reductions (reduce_max, reduce_min): the simulator
against LiteRT's reference kernels and TFLite Micro on converter-built full-int8 models
(every int8 input value among the edge inputs), and the generated C against the simulator."""

from __future__ import annotations

import numpy as np
import pytest

from edgesmith.frontends import load_model
from edgesmith.verify.check import check_against_litert
from edgesmith.verify.host import verify_host
from edgesmith.verify.tflm import check_against_tflm

from tests.helpers.converter import edge_int8, tflite_ops
from tests.helpers.tf_function import function_int8_tflite

tf = pytest.importorskip("tensorflow")

SHAPE = (5, 4, 3)
CASES = {
    "sub": (lambda x: x[:, :2] - x[:, 2:4], "SUB", "sub"),
    "sub_broadcast_constant": (lambda x: x - tf.constant([0.5, -0.25, 1.5]), "SUB", "sub"),
    "squared_difference": (lambda x: tf.math.squared_difference(x[:, :2], x[:, 2:4]),
                           "SQUARED_DIFFERENCE", "squared_difference"),
    "squared_difference_broadcast": (lambda x: tf.math.squared_difference(x, x[:, :, :1]),
                                     "SQUARED_DIFFERENCE", "squared_difference"),
    "abs": (lambda x: tf.abs(x), "ABS", "abs"),
    "leaky_relu": (lambda x: tf.nn.leaky_relu(x, 0.2), "LEAKY_RELU", "leaky_relu"),
    "leaky_relu_steep": (lambda x: tf.nn.leaky_relu(x, 3.0), "LEAKY_RELU", "leaky_relu"),
    "maximum_constant": (lambda x: tf.maximum(x, 0.25), "MAXIMUM", "maximum"),
    "minimum_constant": (lambda x: tf.minimum(x, -0.5), "MINIMUM", "minimum"),
    "maximum_broadcast": (lambda x: tf.maximum(x, x[:, :1, :, :]), "MAXIMUM", "maximum"),
    "minimum_broadcast": (lambda x: tf.minimum(x, x[:, :, 1:2, :]), "MINIMUM", "minimum"),
    "reduce_max": (lambda x: tf.reduce_max(x, axis=[1, 2]), "REDUCE_MAX", "reduce_max"),
    "reduce_min_keepdims": (lambda x: tf.reduce_min(x, axis=2, keepdims=True), "REDUCE_MIN",
                            "reduce_min"),
}


@pytest.fixture(scope="module", params=sorted(CASES))
def case(request, tmp_path_factory):
    fn, builtin, ir_op = CASES[request.param]
    path = function_int8_tflite(fn, SHAPE, tmp_path_factory.mktemp("arith") / "m.tflite", scale=2.0)
    assert builtin in tflite_ops(path)
    return path, ir_op


def test_simulator_equals_litert(case):
    path, ir_op = case
    assert ir_op in [op.type for op in load_model(path).ops]
    report = check_against_litert(path, samples=112, inputs=edge_int8(SHAPE))
    assert report.samples == 128 and report.mismatched_samples == 0, report.first_mismatch


def test_simulator_equals_tflite_micro(case):
    path, _ = case
    report = check_against_tflm(path, samples=48, inputs=edge_int8(SHAPE))
    assert report.samples == 64 and report.mismatched_samples == 0, report.first_mismatch
    assert report.oracles_differ == 0, report.first_oracle_difference


def test_generated_c_equals_the_simulator(case):
    path, _ = case
    report = verify_host(load_model(path), edge_int8(SHAPE, samples=24, seed=5))
    assert report.samples == 24 and report.ok, report.first_mismatch


@pytest.fixture(scope="module", params=[(1, 2), ()], ids=["per-channel-alpha", "full-alpha"])
def prelu_model(request, tmp_path_factory):
    from tests.helpers.converter import full_int8_tflite
    from tests.helpers.keras_check import keras_or_skip

    keras = keras_or_skip()
    inp = keras.Input(SHAPE, batch_size=1)
    layer = keras.layers.PReLU(shared_axes=list(request.param) or None)
    model = keras.Model(inp, layer(inp))
    alpha = np.linspace(-0.7, 1.9, int(np.prod(layer.weights[0].shape)), dtype=np.float32)
    layer.set_weights([alpha.reshape(layer.weights[0].shape)])
    calib = np.random.default_rng(1).normal(scale=2.0, size=(32, *SHAPE)).astype(np.float32)
    path = full_int8_tflite(model, calib, tmp_path_factory.mktemp("prelu") / "m.tflite")
    assert "PRELU" in tflite_ops(path)
    return path


def test_prelu_equals_both_oracles_and_runs_as_c(prelu_model):
    assert "prelu" in [op.type for op in load_model(prelu_model).ops]
    report = check_against_litert(prelu_model, samples=112, inputs=edge_int8(SHAPE))
    assert report.samples == 128 and report.mismatched_samples == 0, report.first_mismatch
    report = check_against_tflm(prelu_model, samples=48, inputs=edge_int8(SHAPE))
    assert report.samples == 64 and report.mismatched_samples == 0, report.first_mismatch
    report = verify_host(load_model(prelu_model), edge_int8(SHAPE, samples=24, seed=5))
    assert report.samples == 24 and report.ok, report.first_mismatch


@pytest.mark.slow
def test_firmware_on_the_emulated_m4_equals_the_simulator(case):
    from edgesmith.verify.qemu import verify_qemu

    path, _ = case
    graph = load_model(path)
    report = verify_qemu(graph, {graph.inputs[0]: edge_int8(SHAPE, samples=8)},
                         board="mps2-an386")
    assert report.samples == 8 and report.ok, report.first_mismatch
