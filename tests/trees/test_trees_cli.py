"""inspect | quantize | verify | generate on XGBoost .json/.ubj, LightGBM .txt and skops
files, in process (CliRunner); bad files get one message, exit 2, and nothing written."""

from __future__ import annotations

import json

import numpy as np
import pytest

pytest.importorskip("sklearn")
skops_io = pytest.importorskip("skops.io")

from edgesmith.cli import app
from sklearn.preprocessing import FunctionTransformer
from typer.testing import CliRunner

from tests.trees.models import fitted, split

KINDS = ["xgboost.json", "xgboost.ubj", "lightgbm.txt", "sklearn.skops"]


def save(kind: str, folder):
    library, suffix = kind.split(".")
    model, _ = fitted(library, {"xgboost": "XGB", "lightgbm": "LGBM",
                                "sklearn": "GradientBoosting"}[library], "iris")
    path = folder / f"iris_{library}.{suffix}"
    if library == "xgboost":
        model.save_model(path)
    elif library == "lightgbm":
        model.booster_.save_model(path)
    else:
        skops_io.dump(model, path)
    return path


def cli(*args) -> tuple[int, str]:
    result = CliRunner().invoke(app, [str(a) for a in args])
    assert "Traceback" not in result.output
    return result.exit_code, result.output


@pytest.mark.parametrize("kind", KINDS)
def test_every_command_takes_the_file(kind, tmp_path):
    path = save(kind, tmp_path)
    code, out = cli("inspect", path, "--json")
    assert code == 0 and json.loads(out)["ops"][0]["type"] == "tree_ensemble"
    code, out = cli("verify", path, "--target", "host", "--samples", "200", "--json")
    assert code == 0, out
    assert json.loads(out)["mismatched_samples"] == 0 and json.loads(out)["samples"] == 200
    code, out = cli("generate", "c", path, "-o", tmp_path / "c", "--json")
    assert code == 0, out
    name = json.loads(out)["name"]
    assert {f"{name}.c", f"{name}.h", "CMakeLists.txt", "README.md"} <= set(
        p.name for p in (tmp_path / "c").iterdir())
    np.save(tmp_path / "calib.npy", split("iris")[0])
    code, out = cli("quantize", path, "--calib", tmp_path / "calib.npy", "-o",
                    tmp_path / "q.esm")
    assert code == 0, out
    code, out = cli("verify", tmp_path / "q.esm", "--target", "host", "--samples", "200",
                    "--json")
    assert code == 0 and json.loads(out)["mismatched_samples"] == 0, out


def test_untrusted_skops_file_is_refused_before_loading(tmp_path):
    path = tmp_path / "evil.skops"
    skops_io.dump(FunctionTransformer(eval), path)
    code, out = cli("inspect", path)
    assert code == 2 and "builtins.eval" in out and "nothing was loaded" in out


@pytest.mark.parametrize("name,data,needle", [
    ("bad.txt", b"hello\n", "LightGBM text model: its first line is"),
    ("bad.json", b'{"learner": 3}', "not an XGBoost model file"),
    ("bad.ubj", b"{L\x00", "not an XGBoost model file"),
    ("bad.skops", b"PK", "not a readable skops file"),
])
def test_malformed_tree_files_are_refused(name, data, needle, tmp_path):
    path = tmp_path / name
    path.write_bytes(data)
    code, out = cli("generate", "c", path, "-o", tmp_path / "c")
    assert code == 2 and needle in out, out
    assert not (tmp_path / "c").exists()


def test_calibration_of_the_wrong_width_writes_nothing(tmp_path):
    path = save("xgboost.json", tmp_path)
    np.save(tmp_path / "calib.npy", np.zeros((3, 7), np.float32))
    code, out = cli("quantize", path, "--calib", tmp_path / "calib.npy", "-o", tmp_path / "q.esm")
    assert code == 2 and "[N, 4]" in out, out
    assert not (tmp_path / "q.esm").exists()
