"""maximum and minimum (TFLite MAXIMUM, MINIMUM): the simulator against LiteRT's reference
kernels on converter-built full-int8 models (a constant operand, broadcasting), and the
generated C against the simulator."""

from __future__ import annotations

import pytest

from edgesmith.frontends import load_model
from edgesmith.verify.check import check_against_litert
from edgesmith.verify.host import verify_host

from tests.helpers.converter import edge_int8, tflite_ops
from tests.helpers.tf_function import function_int8_tflite

tf = pytest.importorskip("tensorflow")

SHAPE = (5, 4, 3)
CASES = {
    "maximum_constant": (lambda x: tf.maximum(x, 0.25), "MAXIMUM", "maximum"),
    "minimum_constant": (lambda x: tf.minimum(x, -0.5), "MINIMUM", "minimum"),
    "maximum_broadcast": (lambda x: tf.maximum(x, x[:, :1, :, :]), "MAXIMUM", "maximum"),
    "minimum_broadcast": (lambda x: tf.minimum(x, x[:, :, 1:2, :]), "MINIMUM", "minimum"),
}


@pytest.fixture(scope="module", params=sorted(CASES))
def case(request, tmp_path_factory):
    fn, builtin, ir_op = CASES[request.param]
    path = function_int8_tflite(fn, SHAPE, tmp_path_factory.mktemp("select") / "m.tflite")
    assert builtin in tflite_ops(path)
    return path, ir_op


def test_simulator_equals_litert(case):
    path, ir_op = case
    assert ir_op in [op.type for op in load_model(path).ops]
    report = check_against_litert(path, samples=48, inputs=edge_int8(SHAPE))
    assert report.samples == 64 and report.mismatched_samples == 0, report.first_mismatch


def test_generated_c_equals_the_simulator(case):
    path, _ = case
    report = verify_host(load_model(path), edge_int8(SHAPE, samples=12, seed=3))
    assert report.samples == 12 and report.ok, report.first_mismatch


def test_simulator_equals_tflite_micro(case):
    from edgesmith.verify.tflm import check_against_tflm

    path, _ = case
    report = check_against_tflm(path, samples=16, inputs=edge_int8(SHAPE, samples=8))
    assert report.samples == 24 and report.mismatched_samples == 0, report.first_mismatch
    assert report.oracles_differ == 0, report.first_oracle_difference
