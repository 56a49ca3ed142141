"""batch_matmul (TFLite BATCH_MATMUL, tf.matmul of two activations) on int8, with adj_x and
adj_y: the simulator against LiteRT's reference kernel and TFLite Micro on converter-built
models, the generated C against the simulator."""

from __future__ import annotations

import pytest

from edgesmith.frontends import load_model
from edgesmith.verify.check import check_against_litert
from edgesmith.verify.host import verify_host
from edgesmith.verify.tflm import check_against_tflm

from tests.helpers.converter import edge_int8, tflite_ops
from tests.helpers.tf_function import function_int8_tflite

tf = pytest.importorskip("tensorflow")

SHAPE = (5, 4, 3)
CASES = {  # (function, adj_x, adj_y)
    "gram_adj_y": (lambda x: tf.matmul(x, x, transpose_b=True), False, True),
    "gram_adj_x": (lambda x: tf.matmul(x, x, transpose_a=True), True, False),
    "halves": (lambda x: tf.matmul(x[:, :, :2, :], x[:, :, 2:, :], transpose_b=True), False,
               True),
}


@pytest.fixture(scope="module", params=sorted(CASES))
def case(request, tmp_path_factory):
    fn, adj_x, adj_y = CASES[request.param]
    path = function_int8_tflite(fn, SHAPE, tmp_path_factory.mktemp("bmm") / "m.tflite",
                                scale=2.0)
    assert "BATCH_MATMUL" in tflite_ops(path)
    (op,) = [op for op in load_model(path).ops if op.type == "batch_matmul"]
    assert (op.attrs["adj_x"], op.attrs["adj_y"]) == (adj_x, adj_y)
    return path


def test_simulator_equals_litert(case):
    report = check_against_litert(case, samples=40, inputs=edge_int8(SHAPE, samples=24))
    assert report.samples == 64 and report.mismatched_samples == 0, report.first_mismatch


def test_simulator_equals_tflite_micro(case):
    report = check_against_tflm(case, samples=16, inputs=edge_int8(SHAPE))
    assert report.samples == 32 and report.mismatched_samples == 0, report.first_mismatch
    assert report.oracles_differ == 0, report.first_oracle_difference


def test_generated_c_equals_the_simulator(case):
    report = verify_host(load_model(case), edge_int8(SHAPE, samples=12, seed=3))
    assert report.samples == 12 and report.ok, report.first_mismatch
