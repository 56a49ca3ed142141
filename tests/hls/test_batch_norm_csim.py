"""A Keras CNN with BatchNormalization after ReLU (which cannot fold into the convolution)
runs through `edgesmith verify --target hls-csim`: the batch norm becomes a per-channel
scale and shift (mul and add by constants, es_hls::multiply_broadcast / add_broadcast)
and the C-simulation equals the simulator bit for bit."""

from __future__ import annotations

import numpy as np
import pytest

from tests.helpers.keras_check import keras_or_skip
from tests.hls.conftest import CLOCK_NS, PART
from tests.hls.test_cli import cli_json


@pytest.fixture(scope="module")
def bn_after_relu(tmp_path_factory):
    keras = keras_or_skip()
    from keras import layers

    keras.utils.set_random_seed(0)
    model = keras.Sequential([
        keras.Input((8, 8, 2)), layers.Conv2D(4, 3, activation="relu"),
        layers.BatchNormalization(), layers.MaxPooling2D(2), layers.Flatten(), layers.Dense(3),
    ], name="bn_after_relu")
    rng = np.random.default_rng(1)  # statistics that move every channel
    model.layers[1].set_weights([rng.uniform(0.5, 2, 4), rng.normal(size=4),
                                 rng.normal(size=4), rng.uniform(0.5, 2, 4)])
    path = tmp_path_factory.mktemp("bn") / "bn_after_relu.keras"
    model.save(path)
    return path


@pytest.mark.usefixtures("toolchain")
def test_the_scale_and_shift_run_in_csim(bn_after_relu):
    from edgesmith.api.loading import load_graph
    from edgesmith.hls import fixed_point_graph, parse_precision
    from edgesmith.hls.layers import build_layers
    from edgesmith.hls.tbdata import random_fixed_inputs
    from edgesmith.sim import simulate
    from edgesmith.verify.csim import verify_csim

    graph = fixed_point_graph(load_graph(str(bn_after_relu)), parse_precision("fixed<16,6>"))
    kernels = [layer.kernel for layer in build_layers(graph)]
    assert kernels.count("multiply_broadcast") == 1 and kernels.count("add_broadcast") == 1
    batch = random_fixed_inputs(graph, 60, seed=2)
    report, run = verify_csim(graph, batch, part=PART, clock_ns=CLOCK_NS)
    expected = simulate(graph, batch)
    for name in graph.outputs:
        np.testing.assert_array_equal(run.outputs[name], np.asarray(expected[name], np.int64))
    assert report.ok and run.returncode == 0


@pytest.mark.slow
@pytest.mark.usefixtures("toolchain")
def test_verify_hls_csim_from_the_cli(bn_after_relu):
    report = cli_json("verify", str(bn_after_relu), "--target", "hls-csim", "--samples", "60")
    assert (report["samples"], report["mismatched_samples"]) == (60, 0)
    assert report["testbench_exit"] == 0
