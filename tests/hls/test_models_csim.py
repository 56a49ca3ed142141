"""HLS C-simulation of the shared hls4ml models equals the simulator, bit for bit.

KERAS_3layer (jet tagger MLP) and KERAS_conv2d_model, at fixed<16,6> (hls4ml's
default ap_fixed<16,6>) and with power-of-two weights, in both I/O styles, on
300 random raw inputs (half over the whole input range, half typical values).
Each generated project is compiled once (cached across runs by content).
"""

from __future__ import annotations

import numpy as np
import pytest
from edgesmith.hls import fixed_point_graph, parse_precision
from edgesmith.verify.csim import verify_csim
from edgesmith.hls.tbdata import random_fixed_inputs
from edgesmith.sim import simulate
from numpy.testing import assert_array_equal

from tests.helpers.keras_check import keras_or_skip
from tests.helpers.paths import HLS4ML_MODELS
from tests.hls.conftest import CLOCK_NS, PART

pytestmark = pytest.mark.usefixtures("toolchain")
SAMPLES = 300

CASES = [
    ("KERAS_3layer", "fixed<16,6>", "parallel"),
    ("KERAS_3layer", "pow2", "stream"),
    ("KERAS_conv2d_model", "fixed<16,6>", "stream"),
    ("KERAS_conv2d_model", "pow2", "parallel"),
    pytest.param("KERAS_3layer", "fixed<16,6>", "stream", marks=pytest.mark.slow),
    pytest.param("KERAS_3layer", "pow2", "parallel", marks=pytest.mark.slow),
    pytest.param("KERAS_conv2d_model", "fixed<16,6>", "parallel", marks=pytest.mark.slow),
    pytest.param("KERAS_conv2d_model", "pow2", "stream", marks=pytest.mark.slow),
]


def model_path(name: str):
    return HLS4ML_MODELS / f"{name}.json"


@pytest.fixture(scope="module")
def float_graphs():
    keras_or_skip()
    from edgesmith.frontends import load_model
    from edgesmith.passes import run_pipeline

    return {name: run_pipeline(load_model(model_path(name), HLS4ML_MODELS / f"{name}_weights.h5"))
            for name in ("KERAS_3layer", "KERAS_conv2d_model")}


@pytest.mark.parametrize("model,precision,io", CASES)
def test_csim_equals_simulator(float_graphs, model, precision, io):
    graph = fixed_point_graph(float_graphs[model], parse_precision(precision))
    batch = random_fixed_inputs(graph, SAMPLES, seed=7)
    report, run = verify_csim(graph, batch, part=PART, clock_ns=CLOCK_NS, io=io,
                              source=str(model_path(model)))
    expected = simulate(graph, batch)
    for name in graph.outputs:
        assert run.outputs[name].shape == expected[name].shape
        assert_array_equal(run.outputs[name], np.asarray(expected[name], np.int64),
                           err_msg=f"{model} {precision} {io}: output {name}")
    assert (report.samples, report.mismatched_samples, run.returncode) == (SAMPLES, 0, 0)
    assert f"samples={SAMPLES} mismatched=0" in run.stdout


def test_pow2_graph_has_only_power_of_two_weights(float_graphs):
    from edgesmith.ir import Pow2Format

    graph = fixed_point_graph(float_graphs["KERAS_conv2d_model"], parse_precision("pow2"))
    mac = [op for op in graph.ops if op.type in ("conv2d", "fully_connected")]
    assert mac and all(isinstance(graph.tensors[op.inputs[1]].fmt, Pow2Format) for op in mac)
    w = graph.tensors[mac[0].inputs[1]]
    sign, exponent = w.fmt.decode(w.data)
    values = sign * np.exp2(exponent.astype(float))
    nonzero = values[values != 0]
    assert np.all(np.log2(np.abs(nonzero)) == np.round(np.log2(np.abs(nonzero))))


@pytest.mark.slow
def test_batch_norm_after_relu_runs_as_scale_and_shift(tmp_path):
    """A BatchNormalization the pipeline cannot fold (after an activation, after a pooling
    layer) runs as a per-channel mul and add with constant operands, in HLS too."""
    keras = keras_or_skip()
    from edgesmith.frontends import load_keras
    from edgesmith.passes import run_pipeline
    from edgesmith.quant import quantize_graph

    from tests.helpers.keras_check import randomize, samples

    layers = keras.layers
    x = keras.Input((8, 8, 3), batch_size=1)
    y = layers.BatchNormalization()(layers.Conv2D(4, 3, activation="relu")(x))
    y = layers.BatchNormalization()(layers.MaxPooling2D()(y))
    model = randomize(keras.Model(x, layers.Dense(3)(layers.Flatten()(y))))
    graph = quantize_graph(run_pipeline(load_keras(model)), samples((8, 8, 3), n=32),
                           scheme="fixed")
    assert [op.type for op in graph.ops].count("mul") == 2
    batch = random_fixed_inputs(graph, 100, seed=5)
    report, run = verify_csim(graph, batch, part=PART, clock_ns=CLOCK_NS, io="stream")
    expected = simulate(graph, batch)
    assert_array_equal(run.outputs[graph.outputs[0]], np.asarray(expected[graph.outputs[0]],
                                                                  np.int64))
    assert report.ok
