"""sum (TFLite SUM) and mean over any axes, with and without keep_dims, on converter-built
full-int8 models: the simulator against TFLite Micro, the generated C against the
simulator. For int8 SUM the two oracles differ (measured here): TFLite Micro requantizes
the integer sum once (MEAN's arithmetic without the division), which edgesmith follows;
LiteRT's reference SUM rescales the sum in float and casts to int8 without saturating, so
it differs by a few units in range and wraps outside it. MEAN itself is checked against
LiteRT in test_mean_s8.py."""

from __future__ import annotations

import numpy as np
import pytest

from edgesmith.frontends import load_model
from edgesmith.sim import simulate
from edgesmith.verify.host import verify_host
from edgesmith.verify.litert import run_litert
from edgesmith.verify.tflm import check_against_tflm

from tests.helpers.converter import edge_int8, tflite_ops
from tests.helpers.op_oracles import default_and_slow
from tests.helpers.tf_function import function_int8_tflite

tf = pytest.importorskip("tensorflow")

SHAPE = (5, 4, 3)
CASES = {  # (function, TFLite builtin, IR op)
    "sum_rows": (lambda x: tf.reduce_sum(x, axis=[1, 2]), "SUM", "sum"),
    "sum_channels_keepdims": (lambda x: tf.reduce_sum(x, axis=3, keepdims=True), "SUM", "sum"),
    "sum_1_3_keepdims": (lambda x: tf.reduce_sum(x, axis=[1, 3], keepdims=True), "SUM", "sum"),
    "sum_all_keepdims": (lambda x: tf.reduce_sum(x, axis=[1, 2, 3], keepdims=True), "SUM",
                         "sum"),
    "mean_1_3_keepdims": (lambda x: tf.reduce_mean(x, axis=[1, 3], keepdims=True), "MEAN",
                          "mean"),
    "mean_middle": (lambda x: tf.reduce_mean(x, axis=2), "MEAN", "mean"),
}


@pytest.fixture(scope="module", params=default_and_slow(
    ["sum_rows", "sum_channels_keepdims", "mean_1_3_keepdims", "sum_1_3_keepdims",
     "sum_all_keepdims", "mean_middle"], keep=3))
def case(request, tmp_path_factory):
    fn, builtin, ir_op = CASES[request.param]
    path = function_int8_tflite(fn, SHAPE, tmp_path_factory.mktemp("sum") / "m.tflite", scale=2.0)
    assert tflite_ops(path) == [builtin]
    return path, ir_op


def test_simulator_equals_tflite_micro(case):
    path, ir_op = case
    assert [op.type for op in load_model(path).ops] == [ir_op]
    report = check_against_tflm(path, samples=40, inputs=edge_int8(SHAPE, samples=24))
    assert report.samples == 64 and report.mismatched_samples == 0, report.first_mismatch
    if ir_op == "mean":
        assert report.oracles_differ == 0, report.first_oracle_difference


def test_litert_reference_sum_wraps_where_tflite_micro_saturates(tmp_path):
    fn, _, _ = CASES["sum_rows"]
    path = function_int8_tflite(fn, SHAPE, tmp_path / "m.tflite", scale=2.0)
    graph = load_model(path)
    x = np.full((1, *SHAPE), -128, np.int8)  # a sum far below the output range
    assert simulate(graph, x)[graph.outputs[0]].min() == -128
    assert run_litert(path, x).outputs[0].min() > -128


def test_generated_c_equals_the_simulator(case):
    path, _ = case
    report = verify_host(load_model(path), edge_int8(SHAPE, samples=12, seed=3))
    assert report.samples == 12 and report.ok, report.first_mismatch
