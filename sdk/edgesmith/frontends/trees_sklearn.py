"""Import fitted scikit-learn tree ensembles as a :class:`TreeEnsemble`.

What the scores equal, and how scikit-learn computes them (all float64):

=================================================  ==================  ============================
estimator                                          scores              sklearn's arithmetic
=================================================  ==================  ============================
DecisionTreeClassifier                             predict_proba       leaf counts / their sum
RandomForest-, ExtraTreesClassifier                predict_proba       sum of the trees' proba, in
                                                                       tree order, / n_estimators
DecisionTreeRegressor                              predict             the leaf value
RandomForest-, ExtraTreesRegressor                 predict             sum in tree order / n
GradientBoostingClassifier / -Regressor            decision_function   init + sum of
                                                                       (learning_rate * leaf)
=================================================  ==================  ============================

Features are cast to float32 and tested ``x <= t`` against float64 thresholds
(:func:`edgesmith.trees.thresholds.le_float64` keeps that decision exact).
Labels: argmax of the scores (binary gradient boosting: ``score >= 0``).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..errors import ModelFormatError, UnsupportedError
from ..ir.tree_ensemble import TreeEnsemble
from ..trees.thresholds import le_float64

SINGLE = ("DecisionTreeClassifier", "DecisionTreeRegressor")
FORESTS = ("RandomForestClassifier", "RandomForestRegressor", "ExtraTreesClassifier",
           "ExtraTreesRegressor")
BOOSTED = ("GradientBoostingClassifier", "GradientBoostingRegressor")
SUPPORTED_TREE_ESTIMATORS = (*SINGLE, *FORESTS, *BOOSTED)


def is_sklearn_tree_model(estimator: Any) -> bool:
    return (type(estimator).__module__.startswith("sklearn.")
            and type(estimator).__name__ in SUPPORTED_TREE_ESTIMATORS)


def load_sklearn_trees(estimator: Any) -> TreeEnsemble:
    """The ensemble of a fitted scikit-learn tree model (scores: see the module doc)."""
    kind = type(estimator).__name__
    if not is_sklearn_tree_model(estimator):
        raise UnsupportedError(f"scikit-learn estimator {kind} is not a supported tree model; "
                               f"supported: {', '.join(SUPPORTED_TREE_ESTIMATORS)}")
    from .sklearn import _require_fitted
    _require_fitted(estimator, kind)
    if getattr(estimator, "n_outputs_", 1) != 1:
        raise UnsupportedError(f"the {kind} predicts {estimator.n_outputs_} targets; only "
                               "single-target models are supported (fit one per target)")
    classifier = kind.endswith("Classifier")
    if kind in BOOSTED:
        return _boosted(estimator, kind, classifier)
    trees = [estimator] if kind in SINGLE else list(estimator.estimators_)
    parts = [_tree_arrays(t.tree_, classifier) for t in trees]
    width = parts[0][4].shape[1]
    return _assemble(parts, estimator.n_features_in_, target=[-1] * len(parts),
                     base=np.zeros(width), average=kind in FORESTS,
                     decision="argmax" if classifier else "none",
                     output="predict_proba" if classifier else "predict",
                     classes=list(estimator.classes_) if classifier else [], kind=kind)


def _tree_arrays(tree: Any, classifier: bool):
    """(feature, threshold, left, right, value) of one sklearn tree, local node indices."""
    leaf = tree.children_left < 0
    value = np.asarray(tree.value[:, 0, :], np.float64)
    if classifier:  # predict_proba: the leaf's class weights over their sum
        normalizer = value.sum(axis=1)[:, None]
        normalizer[normalizer == 0.0] = 1.0
        value = value / normalizer
    value = np.where(leaf[:, None], value, 0.0)
    feature = np.where(leaf, -1, tree.feature)
    threshold = np.where(leaf, np.float32(0), le_float64(np.where(leaf, 0.0, tree.threshold)))
    return feature, threshold, tree.children_left, tree.children_right, value


def _boosted(gb: Any, kind: str, classifier: bool) -> TreeEnsemble:
    init = gb.init_
    if not (isinstance(init, str) and init == "zero") and \
            type(init).__name__ not in ("DummyClassifier", "DummyRegressor"):
        raise UnsupportedError(f"the {kind} starts from a custom init estimator "
                               f"({type(init).__name__}); only the default (or init='zero') "
                               "gives a constant start")
    # the default init predicts one constant per output: read it from any one sample
    base = gb._raw_predict_init(np.zeros((1, gb.n_features_in_), np.float32))[0]
    parts, target = [], []
    for stage in gb.estimators_:
        for k, tree in enumerate(stage):
            f, t, lc, rc, v = _tree_arrays(tree.tree_, False)
            parts.append((f, t, lc, rc, gb.learning_rate * v))  # the float64 product sklearn adds
            target.append(k)
    n_classes = len(gb.classes_) if classifier else 0
    decision = "none" if not classifier else ("nonnegative" if n_classes == 2 else "argmax")
    return _assemble(parts, gb.n_features_in_, target=target, base=base, average=False,
                     decision=decision, output="decision_function" if classifier else "predict",
                     classes=list(gb.classes_) if classifier else [], kind=kind)


def _assemble(parts, n_features: int, *, target, base, average, decision, output, classes,
              kind) -> TreeEnsemble:
    """Concatenate per-tree arrays (local child indices) into one ensemble."""
    if not parts:
        raise ModelFormatError(f"the {kind} has no trees")
    offsets = np.cumsum([0] + [len(p[0]) for p in parts])
    feats, thrs, lefts, rights, values = [], [], [], [], []
    for off, (f, t, lc, rc, v) in zip(offsets, parts):
        feats.append(f)
        thrs.append(t)
        lefts.append(np.where(lc < 0, -1, lc + off))
        rights.append(np.where(rc < 0, -1, rc + off))
        values.append(v)
    return TreeEnsemble(
        n_features=int(n_features), feature=np.concatenate(feats),
        threshold=np.concatenate(thrs), left=np.concatenate(lefts),
        right=np.concatenate(rights), value=np.concatenate(values), roots=offsets[:-1],
        target=np.asarray(target), base=np.asarray(base, np.float64), average=average,
        decision=decision, output=output, classes=classes, source=("sklearn", kind))
