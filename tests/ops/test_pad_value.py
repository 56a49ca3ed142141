"""pad_value (TFLite PADV2, from tf.pad with constant_values): the value is one code of the
shared int8 format. The simulator against LiteRT and TFLite Micro, the generated C (es_pad_s8
with that code) against the simulator; a value outside the format's range is clamped by the
converter itself, and the importer reads the code it wrote."""

from __future__ import annotations

import numpy as np
import pytest

from edgesmith.arith.params import compute_params
from edgesmith.frontends import load_model

from tests.helpers.converter import edge_int8, tflite_ops
from tests.helpers.op_oracles import (assert_c_equals_simulator, assert_equals_litert,
                                      assert_equals_tflm, default_and_slow)
from tests.helpers.tf_function import function_int8_tflite

tf = pytest.importorskip("tensorflow")

SHAPE = (4, 5, 3)
CASES = {  # (paddings, constant value)
    "inside_range": ([[0, 0], [1, 2], [0, 1], [0, 0]], 1.5),
    "clamped_low": ([[0, 0], [0, 0], [2, 1], [1, 0]], -40.0),
    "zero": ([[0, 0], [1, 1], [1, 1], [0, 0]], 0.25),
}


@pytest.fixture(scope="module", params=default_and_slow(list(CASES)))
def case(request, tmp_path_factory):
    pads, value = CASES[request.param]
    path = function_int8_tflite(lambda x: tf.pad(x, pads, constant_values=value), SHAPE,
                                tmp_path_factory.mktemp("padv2") / "m.tflite", scale=2.0)
    assert tflite_ops(path) == ["PADV2"]
    return path, value


def test_the_value_is_one_code_of_the_shared_format(case):
    path, value = case
    graph = load_model(path)
    (op,) = graph.ops
    assert op.type == "pad_value"
    fmt = graph.tensors[op.outputs[0]].fmt
    code = compute_params(op, graph).pad_value
    real = float(fmt.scale[0]) * (code - int(fmt.zero_point[0]))
    assert abs(real - op.attrs["value"]) < 1e-6  # the code the converter wrote, read back
    if -128 < code < 127:
        assert abs(real - value) <= float(fmt.scale[0]) / 2


def test_simulator_equals_litert(case):
    assert_equals_litert(case[0], edge_int8(SHAPE), samples=16)


def test_simulator_equals_tflite_micro(case):
    assert_equals_tflm(case[0], edge_int8(SHAPE), samples=16)


def test_generated_c_equals_the_simulator(case):
    assert_c_equals_simulator(case[0], edge_int8(SHAPE, samples=8, seed=2))


@pytest.mark.slow
def test_firmware_on_the_emulated_m4_equals_the_simulator(case):
    from edgesmith.verify.qemu import verify_qemu

    graph = load_model(case[0])
    report = verify_qemu(graph, {graph.inputs[0]: edge_int8(SHAPE, samples=4)},
                         board="mps2-an386")
    assert report.samples == 4 and report.ok, report.first_mismatch
