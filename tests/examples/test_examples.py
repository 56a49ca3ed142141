"""Every script under examples/ runs end to end and says what it proves (bit-exact on the
host, under QEMU, on a board's serial port, in the HLS C-simulation); the scikit-learn one
is also built as a CMake project and run."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

from tests.boards.helpers import needs_cross, needs_qemu
from tests.boards.serial_helpers import qemu_serving
from tests.helpers.paths import HLS4ML_MODELS, SHARED_MODELS

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def run_example(script: str, *args, cwd: Path) -> str:
    """The script's output; it must exit 0 (each exits 1 when its check fails)."""
    proc = subprocess.run([sys.executable, str(EXAMPLES / script), *map(str, args)], cwd=cwd,
                          capture_output=True, text=True, env={**os.environ, "PYTHONWARNINGS":
                                                                "ignore"}, timeout=900)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc.stdout


def test_every_example_has_a_readme_paragraph_and_a_test():
    scripts = sorted(p.relative_to(EXAMPLES).as_posix() for p in EXAMPLES.rglob("*.py"))
    assert len(scripts) == 6, scripts
    readme = (EXAMPLES / "README.md").read_text()
    tests = Path(__file__).read_text()
    for script in scripts:
        assert f"`{script}`" in readme, script
        assert f'"{script}"' in tests, script
        assert len((EXAMPLES / script).read_text().splitlines()) <= 60, script


def test_sklearn_pipeline_to_a_cmake_firmware_project(tmp_path):
    out = run_example("sklearn_cmake/sklearn_to_c.py", "--out", tmp_path / "iris",
                      "--samples", tmp_path / "rows.f32", cwd=tmp_path)
    assert "int8 accuracy on 50 held-out flowers" in out
    build = tmp_path / "build"
    subprocess.run(["cmake", "-S", EXAMPLES / "sklearn_cmake", "-B", build,
                    f"-DMODEL_DIR={tmp_path / 'iris'}",
                    "-DCMAKE_C_FLAGS=-Wall -Wextra -Werror -pedantic"],
                   check=True, capture_output=True)
    subprocess.run(["cmake", "--build", build], check=True, capture_output=True)
    rows = (tmp_path / "rows.f32").read_bytes()
    proc = subprocess.run([build / "iris_app"], input=rows, capture_output=True, check=True)
    classes = np.array(proc.stdout.split(), dtype=np.int64)
    expected = np.load(tmp_path / "rows.npy")  # argmax of Model.predict on the same rows
    assert len(classes) == 50
    np.testing.assert_array_equal(classes, expected)
    assert set(classes.tolist()) == {0, 1, 2}


@pytest.mark.slow
@needs_qemu
@needs_cross
def test_keras_model_to_firmware_on_the_emulated_board(tmp_path):
    out = run_example("keras_to_firmware.py", "--out", tmp_path / "fw", cwd=tmp_path)
    assert (tmp_path / "fw" / "firmware.elf").is_file()
    assert "on mps2-an386: accuracy" in out
    assert "board equals simulator bit for bit: True" in out


@pytest.mark.slow
@needs_qemu
@needs_cross
def test_int8_tflite_with_float_edges_on_host_and_qemu(tmp_path):
    out = run_example("tflite_float_edges.py", cwd=tmp_path)
    assert "float32 -> out" in out  # the converted model kept its float edges
    assert "host: 16 samples, bit-exact: True" in out
    assert "qemu:mps2-an386: 16 samples, bit-exact: True" in out


@pytest.mark.slow
def test_fixed_point_and_power_of_two_hls_with_csim_and_estimates(tmp_path):
    out = run_example("hls_fixed_pow2.py", HLS4ML_MODELS / "KERAS_3layer.json",
                      HLS4ML_MODELS / "KERAS_3layer_weights.h5", cwd=tmp_path)
    for scheme in ("fixed", "pow2"):
        assert f"{scheme}: C-simulation equals simulator: True" in out
    pow2 = next(line for line in out.splitlines() if line.startswith("pow2:"))
    assert "; 0 DSP," in pow2  # power-of-two weights multiply by shifts, not DSPs


@pytest.mark.slow
def test_quantmcu_patch_based_mixed_precision(tmp_path):
    out = run_example("quantmcu_mixed.py", SHARED_MODELS / "mlperf_tiny" / "vww_96_float.tflite",
                      "--out", tmp_path / "vww.esm", cwd=tmp_path)
    assert "feature-map widths [4]" in out and (tmp_path / "vww.esm").is_file()
    assert "host: 8 samples, bit-exact: True" in out


@pytest.mark.slow
@needs_qemu
@needs_cross
def test_a_board_over_its_serial_port_emulated_stm32f405(tmp_path):
    """Build, then (the flashing step of a real board) boot the image in QEMU's
    netduinoplus2, whose UART is served as a socket, and run the same script on the port."""
    from edgesmith.boards import get_board

    model = SHARED_MODELS / "mlperf_tiny" / "kws_ref_model.tflite"
    out = run_example("serial_board.py", model, "--board", "netduinoplus2", "--out",
                      tmp_path / "fw", cwd=tmp_path)
    assert "flash it, then run again with --port" in out
    image = SimpleNamespace(board=get_board("netduinoplus2"), elf=tmp_path / "fw" / "firmware.elf")
    with qemu_serving(image) as port:
        out = run_example("serial_board.py", model, "--board", "netduinoplus2",
                          "--port", f"socket://127.0.0.1:{port}", cwd=tmp_path)
    assert "equals the simulator bit for bit: True; verify: 4 samples, ok: True" in out
