"""Under QEMU (slow): the generated tree C in the harness firmware equals the library's own
scores on every test sample: float features on a Cortex-M4F (hardware float, software double)
and a Cortex-M3 (software float), int8 features on the M4F."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("sklearn")
pytest.importorskip("xgboost")
pytest.importorskip("lightgbm")

from edgesmith.boards import get_board
from edgesmith.boards.qemu import run_graph
from edgesmith.codegen.c_trees import generate_tree_c
from edgesmith.trees.graph import ensemble_graph
from edgesmith.trees.quantize import (dequantize_features, quantize_features,
                                      quantize_tree_graph)

from tests.trees.models import DATASETS, LIBRARY_KINDS, fitted, load, reference, split

pytestmark = pytest.mark.slow
CASES = [(lib, kind, ds) for lib, kind in LIBRARY_KINDS for ds in DATASETS]


def run_firmware(graph, x, board, folder):
    generate_tree_c(graph, folder)
    outputs, _ = run_graph(graph, get_board(board), {graph.inputs[0]: x}, model_dir=folder)
    return outputs[graph.outputs[0]]


@pytest.mark.parametrize("board", ["mps2-an386", "mps2-an385"])
@pytest.mark.parametrize("library,kind,dataset", CASES)
def test_float_features_on_qemu_equal_the_library(library, kind, dataset, board, tmp_path):
    model, x = fitted(library, kind, dataset)
    want, _ = reference(model, x)
    graph = ensemble_graph(load(model), f"{kind}_{dataset}".replace("-", "_"))
    scores = run_firmware(graph, x, board, tmp_path / "c")
    np.testing.assert_array_equal(scores, want.astype(scores.dtype))


@pytest.mark.parametrize("library,kind,dataset", CASES)
def test_int8_features_on_qemu_equal_the_library(library, kind, dataset, tmp_path):
    model, x = fitted(library, kind, dataset)
    graph = quantize_tree_graph(ensemble_graph(load(model), "q"), split(dataset)[0])
    q = quantize_features(graph, x)
    want, _ = reference(model, dequantize_features(graph, q))
    scores = run_firmware(graph, q, "mps2-an386", tmp_path / "c")
    np.testing.assert_array_equal(scores, want.astype(scores.dtype))


def test_every_case_is_run():
    assert len(CASES) == 21


def test_board_commands_run_a_tree_model(tmp_path):
    import json

    from edgesmith.cli import app
    from typer.testing import CliRunner

    model, x = fitted("xgboost", "XGB", "iris")
    path = tmp_path / "iris.json"
    model.save_model(path)
    np.save(tmp_path / "x.npy", x)
    runner = CliRunner()
    result = runner.invoke(app, ["run", str(path), "--board", "mps2-an386", "-i",
                                 str(tmp_path / "x.npy"), "-o", str(tmp_path / "out.npy")])
    assert result.exit_code == 0, result.output
    want, _ = reference(model, x)
    np.testing.assert_array_equal(np.load(tmp_path / "out.npy"), want)
    result = runner.invoke(app, ["bench", "latency", str(path), "--board", "mps2-an386",
                                 "--json"])
    assert result.exit_code == 0, result.output
    assert "tree_ensemble" in result.output
