"""MEAN, SUM and REDUCE_MAX over every axis without keep_dims (tf.reduce_mean(x) with no axis, or all
axes listed, the batch included): one value per sample, a scalar in TFLite and the IR's
[batch of 1]. The simulator against LiteRT (MEAN) and TFLite Micro, the generated C against
the simulator on the host (the host harness once wrote that one value into a copy)."""

from __future__ import annotations

import pytest

from edgesmith.frontends import load_model

from tests.helpers.converter import edge_int8, tflite_ops
from tests.helpers.op_oracles import (assert_c_equals_simulator, assert_equals_litert,
                                      assert_equals_tflm, default_and_slow)
from tests.helpers.tf_function import function_int8_tflite

tf = pytest.importorskip("tensorflow")

SHAPE = (4, 5, 3)
CASES = {  # (function, TFLite builtin, IR op)
    "mean_no_axis": (lambda x: tf.reduce_mean(x), "MEAN", "mean"),
    "sum_no_axis": (lambda x: tf.reduce_sum(x), "SUM", "sum"),
    "mean_listed_axes": (lambda x: tf.reduce_mean(x, axis=[0, 1, 2, 3]), "MEAN", "mean"),
    "mean_all_but_batch": (lambda x: tf.reduce_mean(x, axis=[1, 2, 3]), "MEAN", "mean"),
    "reduce_max_no_axis": (lambda x: tf.reduce_max(x), "REDUCE_MAX", "reduce_max"),
}


@pytest.fixture(scope="module", params=default_and_slow(list(CASES), keep=3))
def case(request, tmp_path_factory):
    fn, builtin, ir_op = CASES[request.param]
    path = function_int8_tflite(fn, SHAPE, tmp_path_factory.mktemp("all_axes") / "m.tflite",
                                scale=2.0)
    assert tflite_ops(path) == [builtin]
    graph = load_model(path)
    assert [(op.type, op.attrs["axes"]) for op in graph.ops] == [(ir_op, (1, 2, 3))]
    assert graph.tensors[graph.outputs[0]].shape == (1,)
    return path, ir_op


def test_simulator_equals_litert(case):
    path, ir_op = case
    if ir_op == "sum":
        pytest.skip("LiteRT's reference SUM rescales in float (docs/COVERAGE.md)")
    assert_equals_litert(path, edge_int8(SHAPE), samples=16)


def test_simulator_equals_tflite_micro(case):
    path, ir_op = case  # the oracles differ on SUM (LiteRT's float rescale), not on MEAN
    assert_equals_tflm(path, edge_int8(SHAPE), samples=16, oracles_agree=ir_op != "sum")


def test_generated_c_equals_the_simulator(case):
    path, _ = case
    assert_c_equals_simulator(path, edge_int8(SHAPE, samples=12, seed=4))


def test_a_mean_over_the_batch_alone_is_refused(tmp_path):
    from edgesmith.errors import UnsupportedError

    path = function_int8_tflite(lambda x: tf.reduce_mean(x, axis=0), SHAPE, tmp_path / "m.tflite")
    with pytest.raises(UnsupportedError, match="over the batch axis alone is not supported"):
        load_model(path)
