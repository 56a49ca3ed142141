"""A model whose name is hostile C, shell and template text still gives code that builds and
equals the simulator (names reaching C are sanitized)."""

from __future__ import annotations

import json

import numpy as np

from tests.helpers.paths import HLS4ML_MODELS
from tests.hostile.cli_runner import run

HOSTILE = '*/ "; rm -rf {{ }}\n$(x)`'


def test_hostile_model_name_through_quantize_and_verify(tmp_path):
    config = json.loads((HLS4ML_MODELS / "KERAS_1layer.json").read_text())
    config["config"]["name"] = HOSTILE
    model = tmp_path / "m.json"
    model.write_text(json.dumps(config))
    calib = tmp_path / "calib.npy"
    np.save(calib, np.random.default_rng(0).uniform(-1, 1, (16, 10)).astype(np.float32))
    esm = tmp_path / "q.esm"
    code, text = run("quantize", model, "--weights", HLS4ML_MODELS / "KERAS_1layer_weights.h5",
                     "--calib", calib, "-o", esm)
    assert code == 0, text
    code, text = run("verify", esm, "--target", "host", "--samples", "3")
    assert code == 0 and "equal: 3 samples" in text, text
