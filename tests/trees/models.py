"""Tree models fitted on scikit-learn's built-in data sets, and what each library predicts.

``fitted(library, kind, dataset)`` returns the fitted model and the float32
test split; ``reference(model, x)`` returns (scores, labels-or-values) as the
library computes them: the numbers the generated code must equal exactly.
"""

from __future__ import annotations

import functools

import numpy as np
from sklearn import ensemble, tree
from sklearn.datasets import load_breast_cancer, load_diabetes, load_iris
from sklearn.model_selection import train_test_split

DATASETS = {"iris": load_iris, "breast_cancer": load_breast_cancer, "diabetes": load_diabetes}
SKLEARN_KINDS = ("DecisionTree", "RandomForest", "ExtraTrees", "GradientBoosting")
LIBRARY_KINDS = [("sklearn", k) for k in SKLEARN_KINDS] + [("xgboost", "XGB"),
                                                            ("lightgbm", "LGBM"),
                                                            ("lightgbm", "LGBM-rf")]


@functools.cache
def split(dataset: str):
    x, y = DATASETS[dataset](return_X_y=True)
    x_train, x_test, y_train, _ = train_test_split(x.astype(np.float32), y, test_size=0.3,
                                                   random_state=0)
    return x_train, y_train, x_test


@functools.cache
def fitted(library: str, kind: str, dataset: str):
    """(model, x_test float32) for one library, estimator kind and data set."""
    x, y, x_test = split(dataset)
    classifier = dataset != "diabetes"
    suffix = "Classifier" if classifier else "Regressor"
    if library == "sklearn":
        module = tree if kind == "DecisionTree" else ensemble
        options = {} if kind == "DecisionTree" else {"n_estimators": 8}
        if kind != "GradientBoosting" and not classifier:
            options["max_depth"] = 8  # keep regression trees small (the test stays fast)
        model = getattr(module, kind + suffix)(random_state=0, **options)
    elif library == "xgboost":
        import xgboost
        model = getattr(xgboost, "XGB" + suffix)(n_estimators=12, max_depth=4, random_state=0)
    else:
        import lightgbm
        options = dict(boosting_type="rf", bagging_freq=1, bagging_fraction=0.7) \
            if kind == "LGBM-rf" else {}
        model = getattr(lightgbm, "LGBM" + suffix)(n_estimators=12, num_leaves=15, verbose=-1,
                                                   random_state=0, **options)
    return model.fit(x, y), x_test


def reference(model, x: np.ndarray):
    """(scores, predict) as the library computes them for float32 ``x``."""
    name, module = type(model).__name__, type(model).__module__
    if module.startswith("xgboost"):
        scores = model.predict(x, output_margin=True)
    elif module.startswith("lightgbm"):
        scores = model.predict(x, raw_score=True)
        if model.booster_.params.get("boosting_type", model.boosting_type) == "rf":
            scores = scores / model.booster_.current_iteration()  # predict averages first
    elif name.startswith("GradientBoosting") and name.endswith("Classifier"):
        scores = model.decision_function(x)
    elif name.endswith("Classifier"):
        scores = model.predict_proba(x)
    else:
        scores = model.predict(x)
    return np.asarray(scores).reshape(len(x), -1), model.predict(x)


def load(model):
    """The TreeEnsemble of an in-memory model, through the library's own importer."""
    module = type(model).__module__
    if module.startswith("xgboost"):
        from edgesmith.frontends.trees_xgboost import load_xgboost
        return load_xgboost(model)
    if module.startswith("lightgbm"):
        from edgesmith.frontends.trees_lightgbm import load_lightgbm
        return load_lightgbm(model)
    from edgesmith.frontends.trees_sklearn import load_sklearn_trees
    return load_sklearn_trees(model)
