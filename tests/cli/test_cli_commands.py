"""The CLI's main commands on real models, through their --json output."""

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
from numpy.testing import assert_array_equal

from edgesmith.frontends import load_model
from edgesmith.io import load_esm
from edgesmith.sim import simulate

from tests.helpers.shipped_inputs import shipped_inputs

SHARED = Path(__file__).resolve().parents[2] / ".." / "shared" / "models"
KWS = SHARED / "mlperf_tiny" / "kws_ref_model.tflite"


def cli_json(*args: str) -> dict:
    proc = subprocess.run([sys.executable, "-m", "edgesmith.cli", *args, "--json"],
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def test_inspect_reports_ops_macs_weights_and_lower_bound():
    info = cli_json("inspect", str(KWS))
    assert info["quantized"] and info["totals"]["ops"] == 13
    assert info["totals"]["macs"] == sum(op["macs"] for op in info["ops"]) == 2_656_768
    assert info["totals"]["activation_lower_bound_bytes"] == 16_000
    assert info["inputs"][0]["shape"] == [1, 49, 10, 1]
    assert info["inputs"][0]["format"]["zero_point"] == [83]


def test_check_int8_model_json(tmp_path):
    shipped = tmp_path / "kws_input.npy"  # inputs the model's authors ship come by --inputs
    np.save(shipped, shipped_inputs(KWS))
    report = cli_json("check", str(KWS), "--samples", "10", "--inputs", str(shipped))
    assert report["samples"] == 11  # the shipped input and 10 random ones
    assert report["mismatched_samples"] == 0 and report["first_mismatch"] is None


def test_quantize_then_simulate_round_trip(tmp_path):
    model = SHARED / "hls4ml" / "KERAS_3layer.json"
    weights = SHARED / "hls4ml" / "KERAS_3layer_weights.h5"
    rng = np.random.default_rng(0)
    calib = tmp_path / "calib.npy"
    np.save(calib, rng.normal(size=(256, 16)).astype(np.float32))
    out = tmp_path / "jet.esm"
    info = cli_json("quantize", str(model), "--weights", str(weights), "--calib", str(calib),
                    "-o", str(out))
    assert out.exists() and info["weight_bytes"] < info["weight_bytes_float"] / 3
    x = tmp_path / "x.npy"
    np.save(x, rng.normal(size=(50, 16)).astype(np.float32))
    y = tmp_path / "y.npy"
    cli_json("simulate", str(out), "--input", str(x), "-o", str(y))
    qgraph = load_esm(out)
    expected = simulate(qgraph, {qgraph.inputs[0]: qgraph.tensors[qgraph.inputs[0]].fmt.quantize(
        np.load(x))})[qgraph.outputs[0]]
    assert_array_equal(np.load(y), expected)
    # int8 outputs dequantized stay close to the float model on these inputs
    fgraph = load_model(model, weights=weights)
    ref = simulate(fgraph, np.load(x))[fgraph.outputs[0]]
    deq = qgraph.tensors[qgraph.outputs[0]].fmt.dequantize(np.load(y))
    assert np.mean(np.argmax(deq, 1) == np.argmax(ref, 1)) >= 0.9
