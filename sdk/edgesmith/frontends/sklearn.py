"""Import fitted scikit-learn estimators as dense float graphs.

Every supported estimator is a chain of ``fully_connected`` ops with
activations. The graph's single output, named after what it holds, is:

==========================================  ===============  =====================================
estimator                                   output tensor    equals
==========================================  ===============  =====================================
MLPClassifier, several classes              probabilities    ``predict_proba`` (softmax)
MLPClassifier, two classes                  probabilities    ``predict_proba``: [N, 2] computed as
                                                             softmax([0, z]) = [1 - s(z), s(z)]
MLPClassifier, multilabel                   probabilities    ``predict_proba`` (logistic)
MLPRegressor, LinearRegression, LinearSVR   prediction       ``predict``, as [N, n_targets]
LogisticRegression, LinearSVC               decision         ``decision_function``, as [N, 1]
                                                             (binary) or [N, n_classes]
SVC(kernel="linear")                        decision         ``decision_function``: [N, 1] binary;
                                                             multiclass gives the one-vs-one
                                                             values [N, C(C-1)/2], i.e. the result
                                                             with ``decision_function_shape="ovo"``
==========================================  ===============  =====================================

Linear classifiers give the decision function rather than probabilities: it
is exactly what a dense layer computes, its sign (binary) or argmax gives
``predict`` (LogisticRegression, LinearSVC), and it has no saturating tail to
quantize. A multiclass SVC decides by one-vs-one votes, which no dense layer
computes, so its graph gives the one-vs-one values the votes are taken from.
The graph's meta entry ``"output"`` names the method the output equals.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..errors import ModelFormatError, UnsupportedError
from ..ir import Graph
from .builder import GraphBuilder
from .sklearn_pipeline import fold_input_affine, unwrap_pipeline

#: MLP hidden activation name -> IR op type (identity adds nothing)
_MLP_ACTIVATIONS = {"identity": None, "relu": "relu", "logistic": "logistic", "tanh": "tanh"}
_LINEAR_OUTPUTS = {
    "LogisticRegression": ("decision", "decision_function"),
    "LinearSVC": ("decision", "decision_function"),
    "SVC": ("decision", "decision_function"),
    "LinearRegression": ("prediction", "predict"),
    "LinearSVR": ("prediction", "predict"),
}
SUPPORTED_ESTIMATORS = ("MLPClassifier", "MLPRegressor", *_LINEAR_OUTPUTS)


def load_sklearn(estimator: Any, n_features: int | None = None) -> Graph:
    """The float graph of a fitted scikit-learn estimator (outputs: see the module doc).

    ``n_features`` is needed only when the estimator does not record
    ``n_features_in_``; when both are known they must agree. A ``Pipeline`` of
    StandardScaler/MinMaxScaler steps before a supported estimator is folded into the
    estimator's first layer (:mod:`.sklearn_pipeline`).
    """
    estimator, affine = unwrap_pipeline(estimator)
    kind = type(estimator).__name__
    if not type(estimator).__module__.startswith("sklearn.") or kind not in SUPPORTED_ESTIMATORS:
        raise UnsupportedError(f"scikit-learn estimator {kind} is not supported; supported: "
                               f"{', '.join(SUPPORTED_ESTIMATORS)}")
    if kind == "SVC" and estimator.kernel != "linear":
        raise UnsupportedError(f"SVC with kernel={estimator.kernel!r} is not supported; only "
                               "kernel='linear' is a dense layer")
    _require_fitted(estimator, kind)
    features = _feature_count(estimator, n_features, kind)
    builder = GraphBuilder(kind.lower(), {"source": "sklearn", "estimator": kind})
    x = builder.input("input", (1, features))
    if affine is not None and affine[0].size != features:
        raise ModelFormatError(f"the pipeline's scalers take {affine[0].size} features, the "
                               f"{kind} {features}")
    if kind.startswith("MLP"):
        return _mlp(builder, estimator, x, kind, affine)
    name, method = _LINEAR_OUTPUTS[kind]
    weights = np.atleast_2d(np.asarray(estimator.coef_, dtype=np.float64))
    bias = np.broadcast_to(np.asarray(estimator.intercept_, dtype=np.float64),
                           (weights.shape[0],))
    weights, bias = fold_input_affine(weights, bias, affine)
    if kind == "SVC" and len(estimator.classes_) > 2:
        method = "decision_function (one-vs-one values)"
    y = _dense(builder, x, weights, bias, "linear", kind)
    builder.graph.meta["output"] = method
    return builder.finish([builder.rename_output(y, name)])


def _require_fitted(estimator: Any, kind: str) -> None:
    from sklearn.exceptions import NotFittedError
    from sklearn.utils.validation import check_is_fitted

    try:
        check_is_fitted(estimator)
    except NotFittedError:
        raise ModelFormatError(f"the {kind} is not fitted; call fit() before importing it") \
            from None


def _feature_count(estimator: Any, n_features: int | None, kind: str) -> int:
    fitted = getattr(estimator, "n_features_in_", None)
    if fitted is not None and n_features is not None and int(n_features) != int(fitted):
        raise ModelFormatError(f"the {kind} was fitted on {fitted} features, "
                               f"but n_features={n_features}")
    count = fitted if fitted is not None else n_features
    if count is None:
        raise ModelFormatError(f"the {kind} does not record its feature count; pass n_features")
    return int(count)


def _dense(builder: GraphBuilder, x: str, weights: np.ndarray, bias: np.ndarray,
           name: str, kind: str) -> str:
    """fully_connected with IR weights [out, in]."""
    w = builder.const(f"{name}/weights", weights)
    b = builder.const(f"{name}/bias", bias)
    return builder.op("fully_connected", [x, w, b], name=name, origin=f"sklearn {kind} {name}")


def _mlp(builder: GraphBuilder, mlp: Any, x: str, kind: str, affine=None) -> Graph:
    if mlp.activation not in _MLP_ACTIVATIONS:
        raise UnsupportedError(f"{kind} activation {mlp.activation!r} is not supported; "
                               f"supported: {', '.join(_MLP_ACTIVATIONS)}")
    if mlp.out_activation_ not in ("identity", "logistic", "softmax"):
        raise UnsupportedError(f"{kind} output activation {mlp.out_activation_!r} is not "
                               "supported (only identity, logistic and softmax)")
    last = len(mlp.coefs_) - 1
    for i, (coef, intercept) in enumerate(zip(mlp.coefs_, mlp.intercepts_)):
        weights, bias = np.asarray(coef, np.float64).T, np.asarray(intercept, np.float64)
        if i == 0:
            weights, bias = fold_input_affine(weights, bias, affine)
        binary = i == last and kind == "MLPClassifier" and mlp.out_activation_ == "logistic" \
            and mlp.n_outputs_ == 1
        if binary:  # predict_proba = [1 - s(z), s(z)] = softmax([0, z])
            weights = np.vstack([np.zeros_like(weights), weights])
            bias = np.concatenate([[0.0], bias])
        x = _dense(builder, x, weights, bias, f"dense_{i}", kind)
        activation = mlp.activation if i < last else mlp.out_activation_
        if binary or activation == "softmax":
            x = builder.op("softmax", [x], {"beta": 1.0}, name=f"dense_{i}/softmax",
                           origin=f"sklearn {kind} output")
        elif _MLP_ACTIVATIONS.get(activation):
            op_type = _MLP_ACTIVATIONS[activation]
            x = builder.op(op_type, [x], name=f"dense_{i}/{op_type}",
                           origin=f"sklearn {kind} dense_{i}")
    classifier = kind == "MLPClassifier"
    builder.graph.meta["output"] = "predict_proba" if classifier else "predict"
    return builder.finish([builder.rename_output(x, "probabilities" if classifier
                                                 else "prediction")])
