"""Tree models from files or memory: XGBoost ``.json``/``.ubj``, LightGBM ``.txt``,
scikit-learn estimators (in memory or ``.skops``), each to a one-op IR graph."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..errors import ModelFormatError
from ..ir import Graph
from ..codegen.c_names import model_identifier
from ..trees.graph import ensemble_graph

#: a JSON file whose first bytes hold this key is an XGBoost model (Keras JSON has none)
_XGBOOST_JSON_KEY = b'"learner"'
_LIGHTGBM_HEAD = b"tree\n"


def is_xgboost_json(path: Path) -> bool:
    with open(path, "rb") as f:
        return _XGBOOST_JSON_KEY in f.read(4096)


def is_lightgbm_text(path: Path) -> bool:
    with open(path, "rb") as f:
        return f.read(len(_LIGHTGBM_HEAD)).replace(b"\r", b"") == _LIGHTGBM_HEAD


def load_tree_file(path: Path) -> Graph:
    """The graph of a ``.json``/``.ubj`` (XGBoost) or ``.txt`` (LightGBM) file (``.skops``
    files go through :func:`load_estimator` after the skops loader)."""
    suffix = path.suffix.lower()
    name = model_identifier(path.stem)
    if suffix in (".json", ".ubj"):
        from .trees_xgboost import load_xgboost
        return ensemble_graph(load_xgboost(path), name)
    if suffix == ".txt":
        if not is_lightgbm_text(path):
            raise ModelFormatError(f"{path.name}: a .txt model must be a LightGBM text "
                                   "model (it starts with the line 'tree')")
        from .trees_lightgbm import load_lightgbm
        return ensemble_graph(load_lightgbm(path), name)
    raise ModelFormatError(f"{path.name}: not a tree model file")


def load_estimator(model: Any, name: str | None = None) -> Graph:
    """The graph of an in-memory scikit-learn, XGBoost or LightGBM model."""
    module = type(model).__module__
    if module.startswith(("xgboost", "lightgbm")):
        if module.startswith("xgboost"):
            from .trees_xgboost import load_xgboost as load
        else:
            from .trees_lightgbm import load_lightgbm as load
        ens = load(model)
        labels = getattr(model, "classes_", None)  # the estimator's own labels, if it keeps them
        if ens.classes and labels is not None and len(labels) == len(ens.classes):
            ens.classes = list(labels)
        return ensemble_graph(ens, name or module.split(".")[0])
    from .trees_sklearn import is_sklearn_tree_model, load_sklearn_trees
    if is_sklearn_tree_model(model):
        return ensemble_graph(load_sklearn_trees(model),
                              name or model_identifier(type(model).__name__.lower()))
    from .sklearn import load_sklearn
    return load_sklearn(model)
