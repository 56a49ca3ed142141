"""Progress bars: quantize reports every calibration sample twice (calibration, then the
saturation count), verify on the host every sample the C code ran; a bar on a terminal,
none under --json or when piped."""

import io
import json

import numpy as np
from rich.console import Console
from typer.testing import CliRunner

import edgesmith
from edgesmith.api.loading import quantize_checked
from edgesmith.cli import app, common

from tests.helpers.paths import HLS4ML_MODELS

JET = HLS4ML_MODELS / "KERAS_3layer.json"
JET_WEIGHTS = HLS4ML_MODELS / "KERAS_3layer_weights.h5"


def test_quantize_counts_every_sample_of_both_passes():
    graph = edgesmith.load(JET, JET_WEIGHTS).graph
    calib = np.random.default_rng(0).normal(size=(600, 16)).astype(np.float32)
    for scheme in ("int8", "fixed"):
        steps: list[int] = []
        quantize_checked(graph, calib, scheme=scheme, advance=steps.append)
        assert sum(steps) == 2 * 600 and len(steps) > 2, (scheme, steps)


def _quantize(tmp_path, *extra):
    np.save(tmp_path / "calib.npy", np.random.default_rng(0).normal(size=(40, 16)).astype(np.float32))
    return CliRunner().invoke(app, ["quantize", str(JET), "--weights", str(JET_WEIGHTS), "--calib",
                                    str(tmp_path / "calib.npy"), "-o", str(tmp_path / "q.esm"),
                                    *extra])


def test_a_bar_on_a_terminal_none_under_json(tmp_path, monkeypatch):
    screen = io.StringIO()
    monkeypatch.setattr(common, "console", Console(file=screen, force_terminal=True, width=100))
    result = _quantize(tmp_path)
    assert result.exit_code == 0, result.output
    assert "quantizing KERAS_3layer.json" in screen.getvalue() and "80/80" in screen.getvalue()
    screen.seek(0)
    screen.truncate()
    result = _quantize(tmp_path, "--json")
    assert result.exit_code == 0 and json.loads(result.stdout)["calibration_samples"] == 40
    assert screen.getvalue() == ""


def test_verify_on_the_host_counts_every_sample_on_a_terminal(tmp_path, monkeypatch):
    from tests.helpers.paths import SHARED_MODELS

    screen = io.StringIO()
    monkeypatch.setattr(common, "console", Console(file=screen, force_terminal=True, width=100))
    model = SHARED_MODELS / "tflm" / "hello_world_int8.tflite"
    result = CliRunner().invoke(app, ["verify", str(model), "--target", "host", "--samples", "7"])
    assert result.exit_code == 0, result.output
    assert "hello_world_int8.tflite on the host" in screen.getvalue()
    assert "7/7" in screen.getvalue()
