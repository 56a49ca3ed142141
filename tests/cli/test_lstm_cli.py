"""The LSTM models of TFLite Micro's tests from the command line: check against TFLite
Micro, verify DTLN's test vector on the host, inspect's MACs, plan's state block."""

import json
import subprocess
import sys

import numpy as np

from tests.helpers.paths import SHARED_MODELS

RECURRENT = SHARED_MODELS / "recurrent" / "tflm"
TRAINED = RECURRENT / "trained_lstm_int8.tflite"
DTLN = RECURRENT / "dtln_noise_suppression.tflite"


def run_json(*args: str) -> dict:
    proc = subprocess.run([sys.executable, "-m", "edgesmith.cli", *map(str, args), "--json"],
                          capture_output=True, text=True, timeout=300, check=False)
    assert proc.returncode == 0, proc.stderr + proc.stdout
    return json.loads(proc.stdout)


def test_check_against_tflite_micro_finds_no_mismatch():
    report = run_json("check", TRAINED, "--against", "tflm", "--samples", "200")
    assert report["samples"] == 200 and report["mismatched_samples"] == 0
    assert report["oracle"] == "tflite-micro"


def test_verify_dtln_test_vector_on_the_host(tmp_path):
    vector = tmp_path / "dtln_input.npy"
    x = np.fromfile(RECURRENT / "dtln_input_1x1x257.int8.bin", dtype=np.int8).reshape(1, 1, 257)
    np.save(vector, x)
    report = run_json("verify", DTLN, "--target", "host", "--inputs", vector, "--samples", "3")
    assert report["samples"] == 4 and report["mismatched_samples"] == 0


def test_inspect_counts_the_lstm_macs():
    info = run_json("inspect", TRAINED)
    lstm = info["ops"][0]
    # 28 steps x 4 gates x 20 units x (28 features + 20 recurrent)
    assert lstm["type"] == "lstm" and lstm["macs"] == 28 * 4 * 20 * (28 + 20)


def test_plan_shows_the_state_apart_from_the_arena():
    plan = run_json("plan", DTLN)
    # two LSTMs of 128 units: int8 hidden (128 B) and int16 cell (256 B) states each
    assert plan["state_bytes"] == 768 and len(plan["state_offsets"]) == 4
    assert plan["ram_bytes"] == plan["arena_bytes"] + plan["io_bytes"] + plan["state_bytes"]
