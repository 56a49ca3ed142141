"""Bad input gets one clear message, exit code 2, no traceback and no output file."""

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

SHARED = Path(__file__).resolve().parents[2] / ".." / "shared" / "models"


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "edgesmith.cli", *args],
                          capture_output=True, text=True, timeout=300)


def assert_clean_failure(proc, code, *needles):
    assert proc.returncode == code, proc.stderr + proc.stdout
    assert "Traceback" not in proc.stderr + proc.stdout
    for needle in needles:
        assert needle in proc.stderr, proc.stderr


def test_vela_custom_op_is_refused_naming_the_op(tmp_path):
    proc = run_cli("inspect", str(SHARED / "tflm" / "person_detect_vela.tflite"))
    assert_clean_failure(proc, 2, "person_detect_vela.tflite", "CUSTOM")


def test_truncated_tflite_is_refused(tmp_path):
    blob = (SHARED / "mlperf_tiny" / "kws_ref_model.tflite").read_bytes()
    cut = tmp_path / "cut.tflite"
    cut.write_bytes(blob[:1000])
    proc = run_cli("inspect", str(cut))
    assert_clean_failure(proc, 2, "cut.tflite")


def test_missing_file_and_unknown_suffix(tmp_path):
    assert_clean_failure(run_cli("inspect", str(tmp_path / "nope.tflite")), 2, "nope.tflite")
    odd = tmp_path / "model.onnx"
    odd.write_bytes(b"\0" * 16)
    assert_clean_failure(run_cli("inspect", str(odd)), 2, "model.onnx")


def test_json_error_object(tmp_path):
    proc = run_cli("inspect", str(SHARED / "tflm" / "person_detect_vela.tflite"), "--json")
    assert proc.returncode == 2
    err = json.loads(proc.stdout)["error"]
    assert err["type"] == "UnsupportedError" and "CUSTOM" in err["message"]


def test_wrong_input_shape_writes_nothing(tmp_path):
    x = tmp_path / "x.npy"
    np.save(x, np.zeros((2, 7), np.int8))
    out = tmp_path / "y.npy"
    proc = run_cli("simulate", str(SHARED / "mlperf_tiny" / "kws_ref_model.tflite"),
                   "--input", str(x), "-o", str(out))
    assert_clean_failure(proc, 2, "shape")
    assert not out.exists()


def test_bad_arguments_exit_2():
    proc = run_cli("check", "m.tflite", "--samples", "-3")
    assert proc.returncode == 2


@pytest.mark.parametrize("args", [["quantize", "x.tflite", "--calib", "c.npy", "-o", "out.bin"]])
def test_quantize_refuses_non_esm_output(tmp_path, args):
    proc = run_cli(*args)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr


@pytest.mark.parametrize("upstream", ["kws_ref_model", "person_detect"])
def test_a_model_name_changes_nothing(tmp_path, upstream):
    """A model copied under an upstream name into an empty folder (no data files beside it)
    checks and verifies like any other file: names never select inputs or behaviour."""
    model = tmp_path / f"{upstream}.tflite"
    model.write_bytes((SHARED / "tflm" / "hello_world_int8.tflite").read_bytes())
    for args in (("check", str(model), "--samples", "4"),
                 ("verify", str(model), "--target", "host", "--samples", "4")):
        proc = run_cli(*args)
        assert proc.returncode == 0, proc.stderr + proc.stdout
    assert sorted(p.name for p in tmp_path.iterdir()) == [model.name]
