"""arg_max and arg_min (TFLite ARG_MAX, ARG_MIN) on int8 inputs, with the int32 or int64
index output the model declares: the simulator against LiteRT's reference kernels and
TFLite Micro (which runs int32 indices only) on converter-built models, ties and extremes
among the inputs; the generated C (an int32 or int64 index output port) against the
simulator on the host and under QEMU. The C kernels are checked in tests/runtime."""

from __future__ import annotations

import numpy as np
import pytest

from edgesmith.errors import EdgesmithError
from edgesmith.frontends import load_model
from edgesmith.sim import simulate
from edgesmith.verify.check import check_against_litert
from edgesmith.verify.host import verify_host
from edgesmith.verify.tflm import check_against_tflm

from tests.helpers.converter import edge_int8, tflite_ops
from tests.helpers.op_oracles import default_and_slow
from tests.helpers.tf_function import function_int8_tflite

tf = pytest.importorskip("tensorflow")

SHAPE = (5, 4, 3)
CASES = {  # (function, TFLite builtin, IR op, index type)
    "arg_max_last_int64": (lambda x: tf.math.argmax(x, axis=-1), "ARG_MAX", "arg_max", "int64"),
    "arg_max_rows_int32": (lambda x: tf.math.argmax(x, axis=1, output_type=tf.int32),
                           "ARG_MAX", "arg_max", "int32"),
    "arg_min_middle_int32": (lambda x: tf.math.argmin(x, axis=2, output_type=tf.int32),
                             "ARG_MIN", "arg_min", "int32"),
    "arg_min_last_int64": (lambda x: tf.math.argmin(x, axis=3), "ARG_MIN", "arg_min", "int64"),
}


@pytest.fixture(scope="module", params=default_and_slow(list(CASES), keep=3))
def case(request, tmp_path_factory):
    fn, builtin, ir_op, index_type = CASES[request.param]
    path = function_int8_tflite(fn, SHAPE, tmp_path_factory.mktemp("arg") / "m.tflite", scale=2.0)
    assert builtin in tflite_ops(path)
    return path, ir_op, index_type


def _inputs() -> np.ndarray:
    x = edge_int8(SHAPE, samples=24)
    x[3] = np.random.default_rng(3).integers(-2, 2, size=SHAPE)  # many ties
    return x


def test_simulator_equals_litert(case):
    path, ir_op, index_type = case
    graph = load_model(path)
    assert [op.type for op in graph.ops] == [ir_op]
    assert simulate(graph, _inputs())[graph.outputs[0]].dtype == np.dtype(index_type)
    report = check_against_litert(path, samples=40, inputs=_inputs())
    assert report.samples == 64 and report.mismatched_samples == 0, report.first_mismatch


def test_simulator_equals_tflite_micro(case):
    path, _, index_type = case
    if index_type == "int64":  # TFLite Micro's ARG_MAX/ARG_MIN write int32 only
        with pytest.raises(EdgesmithError, match="TFLite Micro cannot run the model"):
            check_against_tflm(path, samples=1)
        return
    report = check_against_tflm(path, samples=16, inputs=_inputs())
    assert report.samples == 40 and report.mismatched_samples == 0, report.first_mismatch
    assert report.oracles_differ == 0, report.first_oracle_difference


def test_generated_c_equals_the_simulator(case):
    path, _, index_type = case
    graph = load_model(path)
    assert graph.tensors[graph.outputs[0]].dtype == index_type
    report = verify_host(graph, _inputs()[:12])
    assert report.samples == 12 and report.ok, report.first_mismatch


def test_the_header_declares_the_index_type(case, tmp_path):
    from edgesmith.codegen import generate_c

    path, _, index_type = case
    generate_c(load_model(path), tmp_path / "c", name="arg")
    header = (tmp_path / "c" / "arg.h").read_text()
    assert f"#define ARG_OUTPUT0_TYPE {index_type}_t" in " ".join(header.split())


@pytest.mark.slow
def test_firmware_on_the_emulated_m4_equals_the_simulator(case):
    from edgesmith.verify.qemu import verify_qemu

    path, _, _ = case
    graph = load_model(path)
    report = verify_qemu(graph, {graph.inputs[0]: _inputs()[:4]}, board="mps2-an386")
    assert report.samples == 4 and report.ok, report.first_mismatch
