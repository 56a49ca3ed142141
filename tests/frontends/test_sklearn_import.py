"""Fitted scikit-learn estimators as dense graphs: the float reference equals
predict_proba / decision_function / predict within max abs error
1e-5 x max(1, output range) (sklearn computes in float64, the graph in float32)."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

sklearn = pytest.importorskip("sklearn")
from edgesmith.errors import ModelFormatError, UnsupportedError
from edgesmith.frontends import load_sklearn
from edgesmith.ir import verify_graph
from edgesmith.passes import run_pipeline
from sklearn.datasets import make_classification, make_regression
from sklearn.ensemble import RandomForestClassifier
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LinearRegression, LogisticRegression
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.svm import SVC, LinearSVC, LinearSVR

from tests.helpers.float_run import assert_close, run_float


def classes(n_classes: int, n_features: int = 6):
    x, y = make_classification(160, n_features, n_informative=4, n_classes=n_classes,
                               random_state=n_classes)
    return x.astype(np.float32), y


def regression(n_targets: int = 1):
    x, y = make_regression(160, 5, n_targets=n_targets, noise=0.1, random_state=n_targets)
    return x.astype(np.float32), y / np.abs(y).max()


def fitted(estimator, x, y):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return estimator.fit(x, y)


def check(estimator, x, expected, output: str, method: str):
    graph = load_sklearn(estimator)
    verify_graph(graph)
    assert graph.outputs == [output] and graph.meta["output"] == method
    canonical = run_pipeline(graph, verify=True)
    got = run_float(canonical, x)[output]
    assert_close(got, np.asarray(expected, np.float64).reshape(len(x), -1))
    return canonical


@pytest.mark.parametrize("activation", ["identity", "relu", "logistic", "tanh"])
@pytest.mark.parametrize("n_classes", [2, 3])
def test_mlp_classifier_gives_predict_proba(activation, n_classes):
    x, y = classes(n_classes)
    mlp = fitted(MLPClassifier(hidden_layer_sizes=(7, 5), activation=activation, max_iter=60, random_state=0), x, y)
    check(mlp, x, mlp.predict_proba(x), "probabilities", "predict_proba")


def test_mlp_classifier_multilabel_is_logistic():
    x, y = classes(3)
    labels = np.stack([y == 0, y == 1], axis=1).astype(int)
    mlp = fitted(MLPClassifier(hidden_layer_sizes=(6,), max_iter=60, random_state=0), x, labels)
    graph = check(mlp, x, mlp.predict_proba(x), "probabilities", "predict_proba")
    assert graph.ops[-1].type == "logistic"


@pytest.mark.parametrize("n_targets", [1, 2])
def test_mlp_regressor(n_targets):
    x, y = regression(n_targets)
    mlp = fitted(MLPRegressor(hidden_layer_sizes=(8,), activation="tanh", max_iter=80, random_state=0), x, y)
    check(mlp, x, mlp.predict(x), "prediction", "predict")


@pytest.mark.parametrize("estimator,n_classes", [
    (LogisticRegression(max_iter=300), 2), (LogisticRegression(max_iter=300), 4),
    (LinearSVC(), 2), (LinearSVC(), 3),
    (SVC(kernel="linear"), 2), (SVC(kernel="linear", decision_function_shape="ovo"), 4)])
def test_linear_classifiers_give_the_decision_function(estimator, n_classes):
    x, y = classes(n_classes)
    model = fitted(estimator, x, y)
    one_vs_one = isinstance(model, SVC) and n_classes > 2
    method = "decision_function (one-vs-one values)" if one_vs_one else "decision_function"
    check(model, x, model.decision_function(x), "decision", method)


@pytest.mark.parametrize("estimator,n_targets", [(LinearRegression(), 1), (LinearRegression(), 3),
                                                 (LinearSVR(), 1)])
def test_linear_regressors_give_predict(estimator, n_targets):
    x, y = regression(n_targets)
    model = fitted(estimator, x, y.ravel() if n_targets == 1 else y)
    check(model, x, model.predict(x), "prediction", "predict")


def test_unsupported_estimators_are_named():
    x, y = classes(2)
    xr, yr = regression()
    with pytest.raises(UnsupportedError, match="output activation 'exp'"):
        load_sklearn(fitted(MLPRegressor(loss="poisson", max_iter=5), xr, np.abs(yr.ravel())))
    with pytest.raises(UnsupportedError, match="RandomForestClassifier"):
        load_sklearn(fitted(RandomForestClassifier(n_estimators=2), x, y))
    with pytest.raises(UnsupportedError, match="kernel='rbf'"):
        load_sklearn(fitted(SVC(), x, y))


def test_unfitted_estimator_and_wrong_feature_count():
    with pytest.raises(ModelFormatError, match="not fitted"):
        load_sklearn(LogisticRegression())
    x, y = classes(2)
    model = fitted(LogisticRegression(), x, y)
    with pytest.raises(ModelFormatError, match="fitted on 6 features"):
        load_sklearn(model, n_features=7)
    assert load_sklearn(model, n_features=6).tensors["input"].shape == (1, 6)
