"""NEG: the converter keeps it in float inside a full-int8 model (DEQUANTIZE -> NEG ->
QUANTIZE); the importer folds that chain into one int8 neg (a 256-code table of the chain's
own float arithmetic). The simulator against LiteRT and TFLite Micro (which run the float
chain), the generated C against the simulator; a float NEG quantized by edgesmith."""

from __future__ import annotations

import numpy as np
import pytest

from edgesmith.frontends import load_model
from edgesmith.passes import run_pipeline
from edgesmith.quant import quantize_graph
from edgesmith.verify.host import verify_host

from tests.helpers.converter import edge_int8, tflite_ops
from tests.helpers.op_oracles import (assert_c_equals_simulator, assert_equals_litert,
                                      assert_equals_tflm, default_and_slow)
from tests.helpers.tf_function import function_int8_tflite

tf = pytest.importorskip("tensorflow")

# (function, TFLite ops the converter writes, IR ops after the fold)
CASES = {
    "alone": (lambda x: tf.math.negative(x), ["DEQUANTIZE", "NEG", "QUANTIZE"], ["neg"]),
    "between": (lambda x: tf.math.negative(tf.nn.relu(x)) * 2.0,
                ["RELU", "DEQUANTIZE", "NEG", "QUANTIZE", "MUL"], ["relu", "neg", "mul"]),
}
SHAPE = (3, 10)


@pytest.fixture(scope="module", params=default_and_slow(list(CASES)))
def case(request, tmp_path_factory):
    fn, tflite, ours = CASES[request.param]
    path = function_int8_tflite(fn, SHAPE, tmp_path_factory.mktemp("neg") / "m.tflite", scale=3.0)
    assert tflite_ops(path) == tflite
    assert [op.type for op in load_model(path).ops] == ours
    return path


def test_simulator_equals_litert(case):
    assert_equals_litert(case, edge_int8(SHAPE, samples=24), samples=40)


def test_simulator_equals_tflite_micro(case):
    assert_equals_tflm(case, edge_int8(SHAPE), samples=16)


def test_generated_c_equals_the_simulator(case):
    assert_c_equals_simulator(case, edge_int8(SHAPE, samples=12, seed=3))


def test_a_longer_float_island_is_left_in_float(tmp_path):
    """NEG feeding more float ops (the converter keeps MUL and CONCATENATION in float too):
    nothing folds; the graph keeps the float ops as written."""
    fn = lambda x: tf.concat([tf.math.negative(x), tf.math.negative(x) * 3.0], -1)  # noqa: E731
    path = function_int8_tflite(fn, SHAPE, tmp_path / "m.tflite", scale=3.0)
    assert tflite_ops(path) == ["DEQUANTIZE", "NEG", "MUL", "CONCATENATION", "QUANTIZE"]
    graph = load_model(path)
    assert [op.type for op in graph.ops] == ["dequantize", "neg", "mul", "concat", "quantize"]


def test_quantized_float_neg_runs_as_c(tmp_path):
    w = tf.constant(np.random.default_rng(2).normal(size=(8, 5)).astype(np.float32))
    fn = tf.function(lambda x: tf.nn.relu(tf.math.negative(tf.matmul(x, w))))
    concrete = fn.get_concrete_function(tf.TensorSpec((1, 8), tf.float32))
    path = tmp_path / "f.tflite"
    path.write_bytes(tf.lite.TFLiteConverter.from_concrete_functions([concrete]).convert())
    graph = load_model(path)
    assert "neg" in [op.type for op in graph.ops]
    calib = np.random.default_rng(1).normal(size=(32, 8)).astype(np.float32)
    q = quantize_graph(run_pipeline(graph), calib)
    assert "neg" in [op.type for op in q.ops]
    report = verify_host(q, edge_int8((8,), samples=16, seed=5))
    assert report.samples == 16 and report.ok, report.first_mismatch


@pytest.mark.slow
def test_firmware_on_the_emulated_m4_equals_the_simulator(case):
    from edgesmith.verify.qemu import verify_qemu

    graph = load_model(case)
    report = verify_qemu(graph, {graph.inputs[0]: edge_int8(SHAPE, samples=4)},
                         board="mps2-an386")
    assert report.samples == 4 and report.ok, report.first_mismatch
