"""batch_matmul (TFLite BATCH_MATMUL, tf.matmul of two activations) on int8, with adj_x and
adj_y: the simulator against LiteRT's reference kernel and TFLite Micro on converter-built
models, the generated C against the simulator."""

from __future__ import annotations

import pytest

from edgesmith.frontends import load_model

from tests.helpers.converter import edge_int8, tflite_ops
from tests.helpers.op_oracles import (assert_c_equals_simulator, assert_equals_litert,
                                      assert_equals_tflm, default_and_slow)
from tests.helpers.tf_function import function_int8_tflite

tf = pytest.importorskip("tensorflow")

SHAPE = (5, 4, 3)
CASES = {  # (function, adj_x, adj_y)
    "gram_adj_y": (lambda x: tf.matmul(x, x, transpose_b=True), False, True),
    "gram_adj_x": (lambda x: tf.matmul(x, x, transpose_a=True), True, False),
    "halves": (lambda x: tf.matmul(x[:, :, :2, :], x[:, :, 2:, :], transpose_b=True), False,
               True),
}


@pytest.fixture(scope="module", params=default_and_slow(sorted(CASES)))
def case(request, tmp_path_factory):
    fn, adj_x, adj_y = CASES[request.param]
    path = function_int8_tflite(fn, SHAPE, tmp_path_factory.mktemp("bmm") / "m.tflite",
                                scale=2.0)
    assert "BATCH_MATMUL" in tflite_ops(path)
    (op,) = [op for op in load_model(path).ops if op.type == "batch_matmul"]
    assert (op.attrs["adj_x"], op.attrs["adj_y"]) == (adj_x, adj_y)
    return path


def test_simulator_equals_litert(case):
    assert_equals_litert(case, edge_int8(SHAPE, samples=24), samples=40)


def test_simulator_equals_tflite_micro(case):
    assert_equals_tflm(case, edge_int8(SHAPE), samples=16)


def test_generated_c_equals_the_simulator(case):
    assert_c_equals_simulator(case, edge_int8(SHAPE, samples=12, seed=3))
