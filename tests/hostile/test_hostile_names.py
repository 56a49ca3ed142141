"""A model whose name is hostile C, shell and template text still gives code that builds and
equals the simulator (names reaching C are sanitized)."""

from __future__ import annotations

import json

import numpy as np
import pytest

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


def test_a_file_name_that_is_not_utf8_prints_and_writes(tmp_path):
    """Linux file names may hold any bytes: on a strict UTF-8 terminal inspect, plan, report
    and generate c still work (the name's bad bytes are escaped or replaced), never exit 3."""
    import os
    import subprocess
    import sys

    from tests.helpers.paths import SHARED_MODELS

    folder = os.fsencode(tmp_path)
    model = folder + b"/h\xff.tflite"
    with open(model, "wb") as f:
        f.write((SHARED_MODELS / "tflm" / "hello_world_int8.tflite").read_bytes())
    env = {**os.environ, "PYTHONIOENCODING": "utf-8:strict"}
    for args in ([b"inspect", model], [b"plan", model],
                 [b"report", model, b"-o", folder + b"/r.html"],
                 [b"generate", b"c", model, b"-o", folder + b"/c"]):
        done = subprocess.run([sys.executable, b"-m", b"edgesmith", *args], env=env,
                              capture_output=True, timeout=120)
        assert done.returncode == 0, done.stderr.decode("utf-8", "replace")
    assert (tmp_path / "r.html").is_file() and (tmp_path / "c").is_dir()


def test_a_config_string_that_is_not_unicode_is_refused(tmp_path):
    """JSON may spell a lone surrogate; a Keras config holding one is refused at the door."""
    import json

    from edgesmith.errors import ModelFormatError
    from edgesmith.io.unicode_text import load_json_text

    text = json.dumps({"name": "dense\udcec", "layers": []})
    with pytest.raises(ModelFormatError, match="not valid Unicode"):
        load_json_text(text, "model.json")
    assert load_json_text('{"a": ["\\u00e9"]}', "ok.json") == {"a": ["\u00e9"]}
