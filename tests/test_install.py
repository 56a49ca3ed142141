"""A non-editable `pip install .` into a fresh virtual environment gives a working CLI.

It must find its data files (templates, runtime, hls, boards) without the
source tree, so the command runs from outside the checkout.
"""

import json
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO / ".." / "shared" / "models"


@pytest.mark.slow
def test_fresh_venv_install_runs_inspect(tmp_path):
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "-q"]
    subprocess.run(pip + [str(REPO), "-C", f"build-dir={tmp_path / 'build'}"], check=True,
                   timeout=900)
    exe = venv / "bin" / "edgesmith"
    model = (SHARED / "mlperf_tiny" / "kws_ref_model.tflite").resolve()
    proc = subprocess.run([str(exe), "inspect", str(model), "--json"], capture_output=True,
                          text=True, cwd=tmp_path, timeout=300)
    assert proc.returncode == 0, proc.stderr
    info = json.loads(proc.stdout)
    assert info["totals"]["ops"] == 13 and info["quantized"]
    probe = subprocess.run(
        [str(venv / "bin" / "python"), "-c",
         "import edgesmith, edgesmith.resources as r; print(edgesmith.__file__); "
         "print(r.data_root())"], capture_output=True, text=True, cwd=tmp_path, check=True)
    package_file, data_root = probe.stdout.split()
    assert str(REPO) not in package_file and str(REPO) not in data_root
