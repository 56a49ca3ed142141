"""HLS C++ of tree ensembles: the g++ C-simulation equals the simulator (and so the library)
bit for bit on the test samples and on samples placed on every threshold; a changed
threshold in the generated C or C++ is caught."""

from __future__ import annotations

import json

import numpy as np
import pytest

pytest.importorskip("sklearn")

from edgesmith.cli import app
from edgesmith.codegen.c_trees import generate_tree_c
from edgesmith.hls.trees import generate_tree_hls
from edgesmith.verify.trees_check import verify_tree_csim
from edgesmith.trees.graph import ensemble_graph
from edgesmith.trees.quantize import quantize_features, quantize_tree_graph
from edgesmith.verify.trees_check import tree_random_inputs, verify_tree_host
from typer.testing import CliRunner

from tests.trees.models import fitted, load, split

CASES = [("sklearn", "RandomForest", "iris"), ("sklearn", "GradientBoosting", "breast_cancer"),
         ("xgboost", "XGB", "breast_cancer"), ("lightgbm", "LGBM", "diabetes")]


def graph_and_samples(library, kind, dataset):
    pytest.importorskip(library)
    model, x = fitted(library, kind, dataset)
    graph = ensemble_graph(load(model), f"{kind}_{dataset}")
    return graph, np.concatenate([x, tree_random_inputs(graph, 200, seed=1)])


@pytest.mark.parametrize("library,kind,dataset", CASES)
def test_csim_equals_the_simulator(library, kind, dataset):
    graph, x = graph_and_samples(library, kind, dataset)
    report = verify_tree_csim(graph, x)
    assert report.samples == x.shape[0] and report.mismatched_samples == 0, report
    qgraph = quantize_tree_graph(graph, split(dataset)[0])
    report = verify_tree_csim(qgraph, quantize_features(qgraph, x))
    assert report.samples == x.shape[0] and report.mismatched_samples == 0, report


def _nudge_first_threshold(path, marker: str):
    """Move the first float threshold after ``marker`` one step, as a wrong rounding would."""
    text = path.read_text()
    start = text.index(marker) + len(marker)
    end = text.index("f", start)
    value = np.float32(text[start:end])
    path.write_text(text[:start] + repr(float(np.nextafter(value, np.float32(np.inf))))
                    + text[end:])
    return value


def test_a_threshold_one_float_off_is_caught_in_c_and_hls(tmp_path):
    graph, _ = graph_and_samples("sklearn", "DecisionTree", "iris")
    x = tree_random_inputs(graph, 400, seed=2)  # a quarter sit exactly on thresholds
    c = generate_tree_c(graph, tmp_path / "c", form="nested")
    _nudge_first_threshold(c.folder / f"{c.model.name}.c", "] <= ")
    assert verify_tree_host(graph, x, code_dir=c.folder).mismatched_samples > 0
    h = generate_tree_hls(graph, tmp_path / "hls")
    _nudge_first_threshold(h.folder / f"{h.project.name}.cpp", "] <= ")
    assert verify_tree_csim(graph, x, code_dir=h.folder).mismatched_samples > 0


def test_generate_hls_and_verify_hls_csim_from_the_cli(tmp_path):
    model, _ = fitted("xgboost", "XGB", "iris")
    path = tmp_path / "iris.ubj"
    model.save_model(path)
    result = CliRunner().invoke(app, ["generate", "hls", str(path), "-o", str(tmp_path / "h"),
                                      "--board", "pynq-z2", "--json"])
    assert result.exit_code == 0, result.output
    assert set(json.loads(result.output)["files"]) == {"iris.h", "iris.cpp", "iris_test.cpp",
                                                       "build_prj.tcl"}
    result = CliRunner().invoke(app, ["verify", str(path), "--target", "hls-csim",
                                      "--samples", "150", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["mismatched_samples"] == 0
