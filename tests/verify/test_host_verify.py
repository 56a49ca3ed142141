"""edgesmith.verify.host: generated C on the host against the simulator, and its diagnosis.

The mutation test is the proof that verification can fail: one changed
weight in the generated ``_weights.c`` must be reported as a mismatch that
names the layer holding it.
"""

import numpy as np
import pytest

from edgesmith.codegen import generate_c
from edgesmith.codegen.options import CodeOptions
from edgesmith.errors import EdgesmithError
from edgesmith.frontends.tflite import load_tflite
from edgesmith.sim import simulate
from edgesmith.sim.inputs import random_inputs
from edgesmith.verify.host import HostModel, verify_host
from edgesmith.verify.inputs import shipped_inputs

from tests.codegen.mutation import copy_folder, mutate_one_weight
from tests.helpers.paths import SHARED_MODELS

KWS = SHARED_MODELS / "mlperf_tiny" / "kws_ref_model.tflite"


@pytest.fixture(scope="module")
def kws():
    return load_tflite(KWS)


@pytest.fixture(scope="module")
def kws_code(kws, tmp_path_factory):
    return generate_c(kws, tmp_path_factory.mktemp("kws") / "kws", model_path=KWS)


def batch(graph, samples=10):
    name = graph.inputs[0]
    return {name: np.concatenate([shipped_inputs(KWS), random_inputs(graph, samples)[name]])}


def test_generated_code_equals_the_simulator(kws):
    report = verify_host(kws, batch(kws), options=CodeOptions(model_path=KWS), label="kws")
    assert report.ok and report.samples == 11 and report.first_mismatch is None
    assert report.to_json()["model"] == "kws"


def test_trace_gives_every_op_output_in_order(kws, kws_code):
    traced = HostModel(kws_code.folder, kws, trace=True)
    one = {kws.inputs[0]: shipped_inputs(KWS)}
    records = traced.trace(one)
    assert [index for index, _ in records] == list(range(len(kws.ops)))
    golden = simulate(kws, one, keep_intermediates=True)
    for index, data in records:
        expected = golden[kws.ops[index].outputs[0]][0]
        np.testing.assert_array_equal(np.frombuffer(data, np.int8).reshape(expected.shape),
                                      expected)


@pytest.mark.parametrize("op_index", [0, 1, 4])  # conv2d, depthwise, conv2d
def test_a_changed_weight_is_reported_at_its_layer(kws, kws_code, tmp_path, op_index):
    folder = copy_folder(kws_code.folder, tmp_path / "mutant")
    mutate_one_weight(folder, f"{kws_code.model.name}_op{op_index}_filter")
    report = verify_host(kws, batch(kws), code_dir=folder)
    assert not report.ok
    first = report.first_mismatch
    op = kws.ops[op_index]
    assert (first["op_index"], first["op_type"], first["tensor"]) == (op_index, op.type,
                                                                       op.outputs[0])
    assert first["origin"] == op.origin and first["ours"] != first["theirs"]


def test_a_folder_that_is_not_generated_is_refused(kws, tmp_path):
    with pytest.raises(EdgesmithError, match="not a folder generated"):
        verify_host(kws, batch(kws, 1), code_dir=tmp_path)
