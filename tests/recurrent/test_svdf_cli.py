"""The commands on a stateful (SVDF) model: `inspect` counts SVDF MACs and state bytes, `plan`
shows the state block apart from the arena, `check --against tflm` runs sequences, `generate
c` owns the state and has a reset call, `verify` under QEMU runs one sequence (slow)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.hostile.cli_runner import run
from tests.recurrent.svdf_models import svdf_model

pytest.importorskip("tflite_micro")


@pytest.fixture(scope="module")
def model(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("svdf_cli") / "svdf_int16.tflite"
    path.write_bytes(svdf_model("int16"))
    return path


def _json(*args) -> dict:
    code, text = run(*args, "--json")
    assert code == 0, text
    return json.loads(text[text.index("{"):])


def test_inspect_counts_svdf_macs_and_state(model):
    info = _json("inspect", model)
    assert info["ops"][0]["type"] == "svdf" and info["ops"][0]["macs"] == 6 * 8 + 6 * 4
    assert info["totals"]["state_bytes"] == 48
    assert [s["name"] for s in info["state"]] == ["t4"]
    code, text = run("inspect", model)
    assert code == 0 and "state   t4: [1, 24] int16" in text


def test_plan_shows_the_state_apart_from_the_arena(model):
    info = _json("plan", model)
    assert info["state_bytes"] == 48 and info["state_offsets"] == {"t4": 0}
    assert "t4" not in info["offsets"]
    assert info["ram_bytes"] == info["arena_bytes"] + 48
    code, text = run("plan", model)
    assert code == 0 and "state 48 B outside the arena" in text


def test_check_against_tflm_runs_sequences(model):
    info = _json("check", model, "--against", "tflm", "--samples", "200")
    assert info["samples"] == 200 and info["mismatched_samples"] == 0


def test_simulate_runs_the_batch_as_one_sequence(model, tmp_path):
    import numpy as np

    from edgesmith.frontends.tflite import load_tflite
    from edgesmith.sim import simulate_sequences

    x = np.random.default_rng(0).integers(-128, 128, (12, 8)).astype(np.int8)
    np.save(tmp_path / "x.npy", x)
    code, text = run("simulate", model, "-i", tmp_path / "x.npy", "-o", tmp_path / "y.npy")
    assert code == 0, text
    graph = load_tflite(model)
    np.testing.assert_array_equal(np.load(tmp_path / "y.npy"),
                                  simulate_sequences(graph, {graph.inputs[0]: x})[graph.outputs[0]])


def test_quantizing_a_float_svdf_model_is_refused(tmp_path):
    import numpy as np

    from tests.hostile.cli_runner import assert_refused

    path = tmp_path / "svdf_f32.tflite"
    path.write_bytes(svdf_model("float32"))
    np.save(tmp_path / "calib.npy", np.zeros((4, 1, 8), np.float32))
    assert_refused(["quantize", path, "--calib", tmp_path / "calib.npy", "-o",
                    tmp_path / "q.esm"], "keeps state across invocations (svdf)")
    assert not (tmp_path / "q.esm").exists()


@pytest.mark.slow
def test_verify_under_qemu_runs_one_sequence(model):
    info = _json("verify", model, "--target", "qemu:mps2-an386", "--samples", "40")
    assert info["samples"] == 40 and info["mismatched_samples"] == 0


def test_litert_is_not_run_where_it_would_crash(tmp_path):
    """LiteRT's integer SVDF reads int8 state as int16 and crashes the process: `check`
    against it refuses by name (exit 2) and points to TFLite Micro."""
    path = tmp_path / "svdf_int8.tflite"
    path.write_bytes(svdf_model("int8"))
    code, text = run("check", path, "--samples", "4")
    assert code == 2 and "int8 state" in text and "--against tflm" in text
