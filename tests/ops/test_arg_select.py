"""arg_max and arg_min (TFLite ARG_MAX, ARG_MIN) on int8 inputs, with the int32 or int64
index output the model declares: the simulator against LiteRT's reference kernels and
TFLite Micro (which runs int32 indices only) on converter-built models, ties and extremes
among the inputs. The C kernel (int32 indices) is checked in tests/runtime; the generated
C refuses arg_max until model outputs other than int8 reach the C API."""

from __future__ import annotations

import numpy as np
import pytest

from edgesmith.errors import EdgesmithError, UnsupportedError
from edgesmith.frontends import load_model
from edgesmith.sim import simulate
from edgesmith.verify.check import check_against_litert
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


def test_the_c_generator_refuses_it_by_name(case):
    from edgesmith.codegen.c_params import kernel_params

    path, ir_op, _ = case
    graph = load_model(path)
    with pytest.raises(UnsupportedError, match=f"no kernel for '{ir_op}'"):
        kernel_params(graph.ops[0], graph)
