"""TFLite Micro as a second oracle: the simulator equals it bit for bit on every shared
integer model (running TFLite Micro's fully-connected output stage), the report says where
LiteRT and TFLite Micro differ, and ``edgesmith check --against tflm`` says so too."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest

from edgesmith.errors import EdgesmithError, UnsupportedError
from edgesmith.frontends.tflite import load_tflite
from edgesmith.verify.tflm import check_against_tflm, run_tflm

from tests.helpers.paths import SHARED_MODELS

pytest.importorskip("tflite_micro")


def _integer_models():
    found, refused = [], []
    for path in sorted(SHARED_MODELS.glob("*/*.tflite")):
        try:
            if load_tflite(path).is_quantized():
                found.append(path)
        except UnsupportedError:
            refused.append(path)
    return found, refused


INTEGER_MODELS, REFUSED = _integer_models()


def test_the_shared_integer_models_are_found():
    assert len(INTEGER_MODELS) == 8 and len(REFUSED) == 1  # the refused one: a Vela CUSTOM op


@pytest.mark.parametrize("path", INTEGER_MODELS, ids=lambda p: p.stem)
def test_simulator_equals_tflite_micro(path):
    report = check_against_tflm(path, samples=24)
    assert report.samples == 24 and report.mismatched_samples == 0, report.first_mismatch
    assert report.litert_error is None
    if report.oracles_differ:  # only through FULLY_CONNECTED's output stage
        diff = report.first_oracle_difference
        assert abs(diff["litert"] - diff["tflm"]) == 1, diff


def test_the_oracles_differ_on_a_fully_connected_model():
    # measured: MLPerf Tiny's anomaly-detection autoencoder (FULLY_CONNECTED only) differs
    # between LiteRT's reference kernels and TFLite Micro on every sample
    path = max(INTEGER_MODELS, key=lambda p: [op.type for op in load_tflite(p).ops].count(
        "fully_connected"))
    report = check_against_tflm(path, samples=16)
    assert report.mismatched_samples == 0 and report.oracles_differ > 0
    assert report.first_oracle_difference["output"] == load_tflite(path).outputs[0]


def test_run_tflm_batches_every_sample():
    path = min(INTEGER_MODELS, key=lambda p: p.stat().st_size)
    graph = load_tflite(path)
    shape = graph.tensors[graph.inputs[0]].shape[1:]
    x = np.random.default_rng(0).integers(-128, 128, size=(5, *shape), dtype=np.int8)
    (out,) = run_tflm(path, x)
    assert out.shape == (5, *graph.tensors[graph.outputs[0]].shape[1:])
    (one,) = run_tflm(path, x[3:4])
    np.testing.assert_array_equal(out[3:4], one)


def test_a_model_tflite_micro_cannot_load_is_an_error(tmp_path):
    bad = tmp_path / "bad.tflite"
    bad.write_bytes(b"not a model at all")
    with pytest.raises(EdgesmithError, match="TFLite Micro cannot load the model"):
        run_tflm(bad, np.zeros((1, 1), np.int8))


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "edgesmith.cli", *args], capture_output=True,
                          text=True, timeout=300)


def test_cli_check_against_tflm_notes_where_the_oracles_differ(tmp_path):
    path = max(INTEGER_MODELS, key=lambda p: [op.type for op in load_tflite(p).ops].count(
        "fully_connected"))
    graph = load_tflite(path)
    extra = tmp_path / "x.npy"
    np.save(extra, np.zeros((2, *graph.tensors[graph.inputs[0]].shape[1:]), np.int8))
    args = ("check", str(path), "--against", "tflm", "--samples", "8", "--inputs", str(extra))
    proc = _cli(*args)
    assert proc.returncode == 0, proc.stderr + proc.stdout
    assert "10 samples, 0 mismatched" in proc.stdout and "vs TFLite Micro" in proc.stdout
    assert "LiteRT's reference kernels and TFLite Micro differ on" in proc.stdout
    report = json.loads(_cli(*args, "--json").stdout)
    assert report["oracle"] == "tflite-micro" and report["samples"] == 10
    assert report["mismatched_samples"] == 0 and report["oracles_differ"] >= 8


def test_cli_check_against_tflm_refuses_a_float_model_cleanly():
    path = next(p for p in sorted(SHARED_MODELS.glob("*/*.tflite"))
                if p not in INTEGER_MODELS and p not in REFUSED)
    proc = _cli("check", str(path), "--against", "tflm", "--samples", "4")
    assert proc.returncode == 2 and "Traceback" not in proc.stderr + proc.stdout
    assert "integer model" in proc.stderr
