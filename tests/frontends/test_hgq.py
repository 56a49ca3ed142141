"""HGQ2 models: a jet tagger trained here with HGQ2 equals HGQ2's own prediction, sample for
sample, in the simulator, the generated C and the HLS C-simulation.

The model is hls4ml's jet tagger (16 -> 64 -> 32 -> 32 -> 5, relu) trained for two epochs on
random data shaped like the jet features (the shared folder holds the tagger's weights, not
its data): HGQ2's default per-element formats (RND, WRAP, ranges traced with
``trace_minmax``) on three layers, and one layer with a per-tensor TRN/SAT input quantizer.
"""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile

import numpy as np
import pytest
from edgesmith.errors import UnsupportedError
from edgesmith.frontends import load_model
from edgesmith.ir import FixedFormat
from edgesmith.sim import simulate
from numpy.testing import assert_array_equal

from tests.helpers.hgq_check import hgq_keras, skip_without_hgq

FEATURES, CLASSES, SAMPLES = 16, 5, 400

skip_without_hgq()


def _jet_like(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Features of the jet tagger's scale (standardized, some heavy tails), labels by a
    fixed random linear rule so that training has something to learn."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, FEATURES)) * rng.choice([0.5, 1.0, 3.0], size=FEATURES)
    rule = np.random.default_rng(99).normal(size=(FEATURES, CLASSES))
    return x.astype(np.float32), np.argmax(x @ rule, axis=1)


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    keras = hgq_keras()
    from hgq.config import QuantizerConfig
    from hgq.layers import QDense
    from hgq.utils import trace_minmax

    keras.utils.set_random_seed(3)
    per_tensor = QuantizerConfig("kif", "datalane", heterogeneous_axis=(), round_mode="TRN",
                                 overflow_mode="SAT")
    model = keras.Sequential([
        keras.Input((FEATURES,)), QDense(64, activation="relu"), QDense(32, activation="relu"),
        QDense(32, activation="relu", iq_conf=per_tensor), QDense(CLASSES)], name="jet_hgq")
    model.compile("adam", keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    x, y = _jet_like(1000, seed=1)
    model.fit(x, y, epochs=2, batch_size=100, verbose=0)
    trace_minmax(model, x, batch_size=1000)  # the WRAP quantizers' integer bits
    path = tmp_path_factory.mktemp("hgq") / "jet_hgq.keras"
    model.save(path)
    graph = load_model(path)
    test_x, _ = _jet_like(SAMPLES, seed=2)
    expected = np.asarray(model.predict(test_x, batch_size=SAMPLES, verbose=0), np.float64)
    raw_x = graph.tensors[graph.inputs[0]].fmt.quantize(test_x)
    return path, graph, raw_x, expected


def test_formats_are_per_element_and_per_tensor(trained):
    _, graph, _, _ = trained
    types = [op.type for op in graph.ops]
    assert types.count("fully_connected") >= 4 and "take" in types
    quantized = {graph.tensors[op.outputs[0]].fmt for op in graph.ops if op.type == "quantize"}
    assert len(quantized) > 3  # several formats per layer: HGQ2's heterogeneous bits
    assert any(f.overflow == "SAT" and f.rounding == "TRN" for f in quantized)
    assert all(isinstance(t.fmt, FixedFormat) for t in graph.tensors.values())


def test_simulator_equals_hgq2_prediction(trained):
    _, graph, raw_x, expected = trained
    out = graph.outputs[0]
    frac = graph.tensors[out].fmt.frac_bits
    scaled = np.ldexp(expected, frac)
    assert_array_equal(scaled, np.round(scaled))  # HGQ2's outputs are on the output grid
    got = simulate(graph, raw_x)[out]
    assert got.shape == (SAMPLES, CLASSES)
    assert_array_equal(got.astype(np.int64), scaled.astype(np.int64))


def test_generated_c_equals_simulator(trained):
    from edgesmith.verify.host import verify_host

    _, graph, raw_x, _ = trained
    report = verify_host(graph, raw_x)
    assert (report.samples, report.mismatched_samples) == (SAMPLES, 0)


@pytest.mark.slow  # compiling the 48-layer project takes about a minute
def test_hls_csim_equals_simulator(trained):
    from edgesmith.verify.csim import verify_csim
    from tests.hls.conftest import CLOCK_NS, PART

    from edgesmith.hls.csim import ap_types_dir, compiler  # noqa: F401  (skip without them)
    _, graph, raw_x, _ = trained
    report, run = verify_csim(graph, {graph.inputs[0]: raw_x}, part=PART, clock_ns=CLOCK_NS,
                              io="parallel", source="jet_hgq.keras")
    expected = simulate(graph, raw_x)[graph.outputs[0]]
    assert_array_equal(run.outputs[graph.outputs[0]], np.asarray(expected, np.int64))
    assert (report.samples, report.mismatched_samples, run.returncode) == (SAMPLES, 0, 0)


def test_estimate_reports_resources(trained):
    from edgesmith.hls import estimate_graph, get_fpga_board

    est = estimate_graph(trained[1], get_fpga_board("pynq-z2"))
    totals = {k.lower(): v for k, v in est.totals.items()}
    assert totals["dsp"] + totals["lut"] > 0 and est.latency_cycles > 0
    macs = [layer for layer in est.layers if layer.op_type == "fully_connected"]
    assert len(macs) >= 4 and all(layer.multipliers > 0 for layer in macs)


@pytest.mark.slow  # a child process that loads TensorFlow and HGQ2 again
def test_estimate_command(trained):
    done = subprocess.run([sys.executable, "-m", "edgesmith.cli", "estimate", str(trained[0]),
                           "--board", "pynq-z2", "--json"], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["latency_cycles"] > 0 and len(report["layers"]) == len(trained[1].ops)


def _archive(tmp_path, layers: list[dict]):
    path = tmp_path / "model.keras"
    config = {"class_name": "Sequential", "config": {"name": "m", "layers": layers}}
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("config.json", json.dumps(config))
        z.writestr("metadata.json", json.dumps({"keras_version": "3.0.0"}))
    return path


def test_qkeras_is_refused(tmp_path):
    path = _archive(tmp_path, [{"class_name": "QDense", "module": "qkeras.qlayers",
                                "config": {"name": "d", "units": 4}}])
    with pytest.raises(UnsupportedError, match="QKeras model; QKeras needs Keras 2"):
        load_model(path)


@pytest.mark.parametrize("build,message", [
    (lambda L: L.QDense(4, activation="softmax"), "activation 'softmax'"),
    (lambda L: L.QBatchNormDense(4, name="bn"), r"'bn' \(QBatchNormDense\) is not supported"),
])
def test_unmapped_hgq2_layers_are_named(tmp_path, build, message):
    keras = hgq_keras()
    from hgq import layers

    model = keras.Sequential([keras.Input((FEATURES,)), build(layers)])
    path = tmp_path / "m.keras"
    model.save(path)
    with pytest.raises(UnsupportedError, match=message):
        load_model(path)
