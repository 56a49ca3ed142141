"""FULLY_CONNECTED with keep_num_dims: a Keras Dense on 3-D and 4-D inputs maps the last
axis only. The simulator against LiteRT's reference kernel and TFLite Micro (its own output
stage), the generated C (es_fully_connected_rows_s8) against the simulator."""

from __future__ import annotations

import numpy as np
import pytest

from edgesmith.frontends import load_model
from edgesmith.verify.check import check_against_litert
from edgesmith.verify.host import verify_host
from edgesmith.verify.tflm import check_against_tflm

from tests.helpers.converter import edge_int8, full_int8_tflite, tflite_ops

tf = pytest.importorskip("tensorflow")

SHAPES = {"sequence": ((6, 5), dict(units=4)),
          "image_relu": ((3, 4, 5), dict(units=7, activation="relu"))}


@pytest.fixture(scope="module", params=sorted(SHAPES))
def case(request, tmp_path_factory):
    shape, options = SHAPES[request.param]
    keras = tf.keras
    inp = keras.Input(shape, batch_size=1)
    model = keras.Model(inp, keras.layers.Dense(**options)(inp))
    calib = np.random.default_rng(1).normal(size=(32, *shape)).astype(np.float32)
    path = full_int8_tflite(model, calib, tmp_path_factory.mktemp("fc") / "m.tflite")
    assert tflite_ops(path) == ["FULLY_CONNECTED"]
    graph = load_model(path)
    (op,) = graph.ops
    assert op.attrs["keep_num_dims"] and graph.tensors[op.outputs[0]].shape == \
        (1, *shape[:-1], options["units"])
    return path, shape


def test_simulator_equals_litert(case):
    path, shape = case
    report = check_against_litert(path, samples=40, inputs=edge_int8(shape, samples=24))
    assert report.samples == 64 and report.mismatched_samples == 0, report.first_mismatch


def test_simulator_equals_tflite_micro(case):
    path, shape = case
    report = check_against_tflm(path, samples=16, inputs=edge_int8(shape))
    assert report.samples == 32 and report.mismatched_samples == 0, report.first_mismatch


def test_generated_c_equals_the_simulator(case):
    path, shape = case
    graph = load_model(path)
    report = verify_host(graph, edge_int8(shape, samples=12, seed=3))
    assert report.samples == 12 and report.ok, report.first_mismatch
    from edgesmith.codegen.c_params import kernel_params

    assert kernel_params(graph.ops[0], graph).kernel == "es_fully_connected_rows_s8"
