"""Trees on int8 features: every integer decision equals the float decision on the
dequantized value, so the simulator and the host C equal the library's predict of the
dequantized features exactly; integer thresholds are checked against every int8 value."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("sklearn")

from edgesmith.codegen.c_trees import generate_tree_c
from edgesmith.sim import simulate
from edgesmith.trees.graph import ensemble_graph
from edgesmith.trees.quantize import (dequantize_features, quantize_features,
                                      quantize_tree_graph)
from edgesmith.trees.thresholds import integer_thresholds, le_float64, lt_float32
from edgesmith.verify.trees_host import run_tree_c_host

from tests.trees.models import fitted, load, reference, split


def test_integer_thresholds_decide_like_the_float_test_for_every_int8_value():
    rng = np.random.default_rng(0)
    scale = rng.uniform(1e-3, 2.0, 200).astype(np.float32)
    zero = rng.integers(-128, 128, 200)
    t32 = (rng.normal(0, 100, 200)).astype(np.float32)
    t32[:3] = [-1e9, 1e9, 0.0]  # never left, always left, exactly zero
    ints = integer_thresholds(t32, scale, zero)
    q = np.arange(-128, 128)
    x = (scale[:, None] * (q[None, :] - zero[:, None]).astype(np.float32)).astype(np.float32)
    np.testing.assert_array_equal(q[None, :] <= ints[:, None], x <= t32[:, None])
    assert ints[0] == -129 and ints[1] == 127


def test_float_thresholds_keep_each_librarys_rule_on_neighbouring_floats():
    rng = np.random.default_rng(1)
    t64 = rng.normal(0, 10, 500)
    x = t64.astype(np.float32)
    probes = np.stack([np.nextafter(x, -np.inf), x, np.nextafter(x, np.inf)], axis=1)
    np.testing.assert_array_equal(probes <= le_float64(t64)[:, None],
                                  probes.astype(np.float64) <= t64[:, None])
    np.testing.assert_array_equal(probes <= lt_float32(x)[:, None], probes < x[:, None])


@pytest.mark.parametrize("library,kind", [("sklearn", "RandomForest"),
                                          ("sklearn", "GradientBoosting"),
                                          ("xgboost", "XGB"), ("lightgbm", "LGBM")])
def test_quantized_trees_equal_the_library_on_dequantized_features(library, kind, tmp_path):
    pytest.importorskip(library)
    model, x = fitted(library, kind, "breast_cancer")
    x_train = split("breast_cancer")[0]
    graph = quantize_tree_graph(ensemble_graph(load(model), "bc"), x_train)
    q = quantize_features(graph, x)
    want_scores, want_predict = reference(model, dequantize_features(graph, q))
    sim = simulate(graph, q)["scores"]
    np.testing.assert_array_equal(sim, want_scores.astype(sim.dtype))
    generate_tree_c(graph, tmp_path / "c")
    scores, labels = run_tree_c_host(tmp_path / "c", q)
    np.testing.assert_array_equal(scores, want_scores.astype(scores.dtype))
    np.testing.assert_array_equal(np.asarray(graph.meta["classes"])[labels], want_predict)


def test_string_labels_of_an_in_memory_classifier_are_kept():
    lightgbm = pytest.importorskip("lightgbm")
    from edgesmith.ir.tree_ensemble import predict
    from edgesmith.trees.graph import graph_ensemble
    from edgesmith.frontends.trees_load import load_estimator

    x, y, x_test = split("iris")
    names = np.array(["setosa", "versicolor", "virginica"])[y]
    model = lightgbm.LGBMClassifier(n_estimators=5, verbose=-1).fit(x, names)
    graph = load_estimator(model)
    assert graph.meta["classes"] == ["setosa", "versicolor", "virginica"]
    np.testing.assert_array_equal(predict(graph_ensemble(graph), x_test), model.predict(x_test))
