"""Every tree estimator type on iris, breast cancer and diabetes: the simulator and the
generated C on the host equal the library's own scores and predict on every test sample,
bit for bit (scores in the type the library adds them in: float64, XGBoost float32)."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("sklearn")
pytest.importorskip("xgboost")
pytest.importorskip("lightgbm")

from edgesmith.codegen.c_trees import generate_tree_c
from edgesmith.sim import simulate
from edgesmith.ir.tree_ensemble import predict
from edgesmith.trees.graph import ensemble_graph, graph_ensemble
from edgesmith.verify.trees_host import run_tree_c_host

from tests.trees.models import DATASETS, LIBRARY_KINDS, fitted, load, reference

CASES = [(lib, kind, ds) for lib, kind in LIBRARY_KINDS for ds in DATASETS]


@pytest.mark.parametrize("library,kind,dataset", CASES)
def test_simulator_and_host_c_equal_the_library(library, kind, dataset, tmp_path):
    model, x = fitted(library, kind, dataset)
    want_scores, want_predict = reference(model, x)
    graph = ensemble_graph(load(model), name=f"{kind}_{dataset}")
    sim = simulate(graph, x)["scores"]
    np.testing.assert_array_equal(sim, want_scores.astype(sim.dtype))
    np.testing.assert_array_equal(predict(graph_ensemble(graph), x), want_predict)
    generate_tree_c(graph, tmp_path / "c")
    scores, labels = run_tree_c_host(tmp_path / "c", x)
    np.testing.assert_array_equal(scores, want_scores.astype(scores.dtype))
    if dataset == "diabetes":
        np.testing.assert_array_equal(scores[:, 0], np.asarray(want_predict, scores.dtype))
    else:
        np.testing.assert_array_equal(np.asarray(graph.meta["classes"])[labels], want_predict)


@pytest.mark.parametrize("form", ["nested", "table"])
@pytest.mark.parametrize("library,kind", [("sklearn", "RandomForest"), ("xgboost", "XGB"),
                                          ("lightgbm", "LGBM")])
def test_both_code_forms_equal_the_library(library, kind, form, tmp_path):
    model, x = fitted(library, kind, "iris")
    want_scores, want_predict = reference(model, x)
    graph = ensemble_graph(load(model), name="iris")
    out = generate_tree_c(graph, tmp_path / form, form=form)
    assert out.model.layout.forms == [form] * out.model.ens.n_trees
    scores, labels = run_tree_c_host(tmp_path / form, x)
    np.testing.assert_array_equal(scores, want_scores.astype(scores.dtype))
    np.testing.assert_array_equal(np.asarray(graph.meta["classes"])[labels], want_predict)


def test_every_case_is_run():
    assert len(CASES) == 7 * 3
