"""The eight shared int8 models, simulated on their shipped inputs and 200
random inputs, equal LiteRT's reference kernels byte for byte."""

import numpy as np
import pytest
from edgesmith.frontends.tflite import load_tflite
from edgesmith.ir import verify_graph
from edgesmith.sim import simulate
from edgesmith.report.check_report import CheckReport
from edgesmith.sim.inputs import random_inputs
from edgesmith.verify.check import check_against_litert
from edgesmith.verify.inputs import shipped_inputs
from edgesmith.verify.litert import run_litert

from tests.helpers.paths import SHARED_MODELS

INT8_MODELS = ["mlperf_tiny/vww_96_int8", "mlperf_tiny/kws_ref_model",
               "mlperf_tiny/pretrainedResnet_quant", "mlperf_tiny/ad01_int8",
               "mlperf_tiny/str_ww_ref_model", "tflm/hello_world_int8", "tflm/person_detect",
               "tflm/micro_speech_quantized"]


def model_path(name: str):
    return SHARED_MODELS / f"{name}.tflite"


@pytest.mark.parametrize("name", INT8_MODELS, ids=lambda n: n.split("/")[1])
def test_model_equals_litert_reference(name):
    path = model_path(name)
    graph = load_tflite(path)
    verify_graph(graph)
    batch = random_inputs(graph, 200, seed=0)[graph.inputs[0]]
    shipped = shipped_inputs(path)
    if shipped is not None:
        batch = np.concatenate([shipped, batch])
    ours = simulate(graph, batch)[graph.outputs[0]]
    (theirs,) = run_litert(path, batch).outputs
    assert ours.dtype == theirs.dtype == np.int8
    np.testing.assert_array_equal(ours.reshape(theirs.shape), theirs)


def test_check_report_on_an_exact_model():
    path = model_path("tflm/micro_speech_quantized")
    report = check_against_litert(path, samples=20, inputs=shipped_inputs(path), seed=3)
    assert isinstance(report, CheckReport)
    assert report.ok and report.samples == 22 and report.first_mismatch is None
    assert report.to_json()["mismatched_samples"] == 0


def test_check_report_locates_the_first_differing_op(monkeypatch):
    import edgesmith.frontends.tflite as frontend

    path = model_path("mlperf_tiny/kws_ref_model")
    original = frontend.load_tflite

    def load_with_a_wrong_bias(p):
        graph = original(p)
        bias = graph.tensors[graph.ops[2].inputs[2]]
        bias.data = bias.data + np.int32(5000)  # op 2: the first pointwise conv
        return graph

    monkeypatch.setattr(frontend, "load_tflite", load_with_a_wrong_bias)
    report = check_against_litert(path, samples=5)
    assert report.mismatched_samples > 0
    first = report.first_mismatch
    assert first["op_index"] == 2 and first["op_type"] == "conv2d"
    assert first["origin"] == "tflite op 2 CONV_2D"
    assert first["ours"] != first["theirs"] and len(first["index"]) == 3
    assert first["sample"] == 0  # a bias that large changes every sample
