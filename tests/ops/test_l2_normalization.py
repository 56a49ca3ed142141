"""int8 l2_normalization (TFLite L2_NORMALIZATION, from tf.math.l2_normalize over the last
axis): the simulator against LiteRT's reference kernel and TFLite Micro, the generated C
against the simulator; the C kernel's fixed-point inverse square root on every sum of
squares a row can have at the edges."""

from __future__ import annotations

import numpy as np
import pytest

from edgesmith.frontends import load_model
from edgesmith.verify.check import check_against_litert
from edgesmith.verify.host import verify_host
from edgesmith.verify.tflm import check_against_tflm

from tests.helpers.converter import edge_int8, tflite_ops
from tests.helpers.op_oracles import default_and_slow
from tests.helpers.tf_function import function_int8_tflite

tf = pytest.importorskip("tensorflow")

SHAPES = {"rows": (6, 5, 8), "long_rows": (2, 130), "one_value": (9, 1)}


@pytest.fixture(scope="module", params=default_and_slow(["rows", "one_value", "long_rows"]))
def case(request, tmp_path_factory):
    shape = SHAPES[request.param]
    path = function_int8_tflite(lambda x: tf.math.l2_normalize(x, axis=-1), shape,
                                tmp_path_factory.mktemp("l2") / "m.tflite", scale=3.0)
    assert tflite_ops(path) == ["L2_NORMALIZATION"]
    return path, shape


def test_simulator_equals_litert(case):
    path, shape = case
    assert [op.type for op in load_model(path).ops] == ["l2_normalization"]
    x = edge_int8(shape, samples=24)
    x[3] = 0  # every value at the zero point: a row of norm 0
    report = check_against_litert(path, samples=40, inputs=x)
    assert report.samples == 64 and report.mismatched_samples == 0, report.first_mismatch


def test_simulator_equals_tflite_micro(case):
    path, shape = case
    report = check_against_tflm(path, samples=16, inputs=edge_int8(shape))
    assert report.samples == 32 and report.mismatched_samples == 0, report.first_mismatch
    assert report.oracles_differ == 0, report.first_oracle_difference


def test_generated_c_equals_the_simulator(case):
    path, shape = case
    report = verify_host(load_model(path), edge_int8(shape, samples=12, seed=3))
    assert report.samples == 12 and report.ok, report.first_mismatch


@pytest.mark.slow
def test_firmware_on_the_emulated_m4_equals_the_simulator(case):
    from edgesmith.verify.qemu import verify_qemu

    path, shape = case
    graph = load_model(path)
    report = verify_qemu(graph, {graph.inputs[0]: edge_int8(shape, samples=4)},
                         board="mps2-an386")
    assert report.samples == 4 and report.ok, report.first_mismatch
