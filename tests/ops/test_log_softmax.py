"""int8 log_softmax (TFLite LOG_SOFTMAX, from tf.nn.log_softmax over the last axis): the
simulator against LiteRT's reference kernel and TFLite Micro, the generated C against the
simulator; a float model quantized by edgesmith gets TFLite's fixed output format."""

from __future__ import annotations

import numpy as np
import pytest

from edgesmith.frontends import load_model
from edgesmith.passes import run_pipeline
from edgesmith.quant import quantize_graph
from edgesmith.sim import simulate
from edgesmith.verify.host import verify_host

from tests.helpers.converter import edge_int8, tflite_ops
from tests.helpers.op_oracles import (assert_c_equals_simulator, assert_equals_litert,
                                      assert_equals_tflm, default_and_slow)
from tests.helpers.tf_function import function_int8_tflite

tf = pytest.importorskip("tensorflow")

# (shape, calibration scale): a wide scale leaves many differences below diff_min
CASES = {"rows": ((4, 10), 3.0), "wide_scale": ((3, 16), 40.0), "one_value": ((5, 1), 1.0),
         "long_rows": ((2, 300), 2.0)}


@pytest.fixture(scope="module", params=default_and_slow(list(CASES)))
def case(request, tmp_path_factory):
    shape, scale = CASES[request.param]
    path = function_int8_tflite(lambda x: tf.nn.log_softmax(x, axis=-1), shape,
                                tmp_path_factory.mktemp("log_softmax") / "m.tflite", scale=scale)
    assert tflite_ops(path) == ["LOG_SOFTMAX"]
    return path, shape


def _inputs(shape):
    x = edge_int8(shape, samples=24)
    x[3] = 5  # every value equal: each is log(1 / depth)
    x[4] = -128
    x[4, ..., 0] = 127  # one maximum far above the rest
    return x


def test_simulator_equals_litert(case):
    path, shape = case
    graph = load_model(path)
    assert [op.type for op in graph.ops] == ["log_softmax"]
    out = graph.tensors[graph.outputs[0]].fmt
    assert (float(out.scale[0]), int(out.zero_point[0])) == (16 / 256, 127)
    assert_equals_litert(path, _inputs(shape), samples=40)


def test_simulator_equals_tflite_micro(case):
    path, shape = case
    assert_equals_tflm(path, _inputs(shape), samples=16)


def test_generated_c_equals_the_simulator(case):
    path, shape = case
    assert_c_equals_simulator(path, _inputs(shape)[:12])


def test_the_row_maximum_gets_log_one_over_depth():
    """Equal values: every output is log(1 / depth) on the 1/16 grid (zero point 127)."""
    from edgesmith.ir import AffineFormat, Graph, Op, Tensor

    depth = 8
    g = Graph("ls")
    g.add_tensor(Tensor("x", (1, depth), "int8", AffineFormat([0.1], [0])))
    g.add_tensor(Tensor("y", (1, depth), "int8", AffineFormat([16 / 256], [127])))
    g.add_op(Op("log_softmax", ["x"], ["y"], {}))
    g.inputs, g.outputs = ["x"], ["y"]
    y = simulate(g, np.full((1, depth), 7, np.int8))["y"]
    np.testing.assert_array_equal(y, np.full((1, depth), 127 + round(np.log(1 / depth) * 16)))


@pytest.fixture(scope="module")
def float_model(tmp_path_factory):
    """A float model ending in log_softmax (a dense layer in front), for edgesmith's PTQ."""
    w = tf.constant(np.random.default_rng(2).normal(size=(12, 6)).astype(np.float32))
    fn = tf.function(lambda x: tf.nn.log_softmax(tf.matmul(x, w), axis=-1))
    concrete = fn.get_concrete_function(tf.TensorSpec((1, 12), tf.float32))
    path = tmp_path_factory.mktemp("log_softmax_f32") / "m.tflite"
    path.write_bytes(tf.lite.TFLiteConverter.from_concrete_functions([concrete]).convert())
    return path


def test_quantized_float_model_has_tflites_output_format_and_runs_as_c(float_model):
    graph = load_model(float_model)
    assert [op.type for op in graph.ops][-1] == "log_softmax"
    calib = np.random.default_rng(1).normal(size=(32, 12)).astype(np.float32)
    q = quantize_graph(run_pipeline(graph), calib)
    log_op = next(op for op in q.ops if op.type == "log_softmax")
    fmt = q.tensors[log_op.outputs[0]].fmt
    assert (float(fmt.scale[0]), int(fmt.zero_point[0])) == (16 / 256, 127)
    report = verify_host(q, edge_int8((12,), samples=16, seed=5))
    assert report.samples == 16 and report.ok, report.first_mismatch
    codes = simulate(q, _quantized(q, calib))[q.outputs[0]]
    real = (codes.astype(np.float64) - 127) * (16 / 256)
    expected = simulate(graph, calib)[graph.outputs[0]]
    assert np.max(np.abs(real - expected)) < 0.5  # a few steps of 1/16 at most


def _quantized(q, calib):
    fmt = q.tensors[q.inputs[0]].fmt
    return np.clip(np.round(calib / fmt.scale[0]) + fmt.zero_point[0], -128, 127).astype(np.int8)


@pytest.mark.slow
def test_firmware_on_the_emulated_m4_equals_the_simulator(case):
    from edgesmith.verify.qemu import verify_qemu

    path, shape = case
    graph = load_model(path)
    report = verify_qemu(graph, {graph.inputs[0]: _inputs(shape)[:4]}, board="mps2-an386")
    assert report.samples == 4 and report.ok, report.first_mismatch
