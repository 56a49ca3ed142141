"""The model-zoo runner finds every model kind under a folder and drives each through the CLI."""

from __future__ import annotations

import shutil

import pytest

from bench.model_zoo import find_models, main, run_model, zoo_table
from tests.helpers.paths import SHARED_MODELS


def test_finds_every_model_kind_and_pairs_json_with_weights(tmp_path):
    for name in ("a.tflite", "b.keras", "c.h5", "d.json", "d_weights.h5", "e.json", "notes.txt"):
        (tmp_path / "sub" / name).parent.mkdir(exist_ok=True)
        (tmp_path / "sub" / name).write_bytes(b"")
    found = {(m.name, w.name if w else None) for m, w in find_models(tmp_path)}
    # e.json has no weights file: not a model; d_weights.h5 is d.json's weights, not a model
    assert found == {("a.tflite", None), ("b.keras", None), ("c.h5", None),
                     ("d.json", "d_weights.h5")}


def test_an_empty_folder_is_an_error(tmp_path, capsys):
    assert main([str(tmp_path)]) == 2
    assert "no model files" in capsys.readouterr().err


@pytest.mark.slow
def test_int8_float_and_broken_models(tmp_path):
    tflm = SHARED_MODELS / "tflm"
    for name in ("hello_world_int8.tflite", "hello_world_float.tflite"):
        shutil.copy(tflm / name, tmp_path / name)
    (tmp_path / "broken.tflite").write_bytes(b"TFL3 not a flatbuffer")
    rows = {r.model: r for r in (run_model(m, w, tmp_path, 8, None)
                                 for m, w in find_models(tmp_path))}
    assert len(rows) == 3
    assert rows["hello_world_int8.tflite"].steps == ["litert 0/8", "tflm 0/8", "host 0/8"]
    assert rows["hello_world_float.tflite"].steps[1:] == ["quantized int8", "host 0/8"]
    broken = rows["broken.tflite"]
    assert broken.refused.startswith("inspect: ") and "INTERNAL" not in broken.refused
    assert "3 models: 2 through every step, 1 refused (0 internal errors)" in \
        zoo_table(list(rows.values()))
