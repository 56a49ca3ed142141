"""scikit-learn Pipelines whose steps before the estimator are feature scalers
(StandardScaler, MinMaxScaler): each scaler is x -> a * x + b per feature, so the chain folds
into the weights and bias of the estimator's first dense layer and adds no op."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..errors import UnsupportedError

SCALERS = ("StandardScaler", "MinMaxScaler")

#: per-feature x -> scale * x + shift, in float64
Affine = tuple[np.ndarray, np.ndarray]


def unwrap_pipeline(estimator: Any) -> tuple[Any, Affine | None]:
    """(the final estimator, the affine map of the scalers in front of it) for a Pipeline;
    (estimator, None) for anything else."""
    if type(estimator).__name__ != "Pipeline" or \
            not type(estimator).__module__.startswith("sklearn."):
        return estimator, None
    *front, (_, final) = estimator.steps
    affine = None
    for name, step in front:
        if step is None or step == "passthrough":
            continue
        affine = _compose(affine, _scaler_affine(name, step))
    return final, affine


def _scaler_affine(name: str, step: Any) -> Affine:
    kind = type(step).__name__
    if kind not in SCALERS or not type(step).__module__.startswith("sklearn."):
        raise UnsupportedError(f"pipeline step {name!r} ({kind}) is not supported in front of "
                               f"the estimator; supported: {', '.join(SCALERS)}")
    if kind == "MinMaxScaler":
        if step.clip:  # a clamp is not affine
            raise UnsupportedError(f"pipeline step {name!r}: MinMaxScaler(clip=True) is not "
                                   "supported", hint="fit it with clip=False")
        return np.asarray(step.scale_, np.float64), np.asarray(step.min_, np.float64)
    count = int(step.n_features_in_)
    scale = np.ones(count) if step.scale_ is None else 1.0 / np.asarray(step.scale_, np.float64)
    mean = np.zeros(count) if step.mean_ is None else np.asarray(step.mean_, np.float64)
    return scale, -mean * scale


def _compose(first: Affine | None, then: Affine) -> Affine:
    if first is None:
        return then
    return then[0] * first[0], then[0] * first[1] + then[1]


def fold_input_affine(weights: np.ndarray, bias: np.ndarray,
                      affine: Affine | None) -> tuple[np.ndarray, np.ndarray]:
    """Weights [out, in] and bias of W (a * x + b) + c as one dense layer."""
    if affine is None:
        return weights, bias
    scale, shift = affine
    return weights * scale[None, :], bias + weights @ shift
