"""Model importers: every accepted kind of model becomes an IR :class:`Graph`.

:func:`load_model` picks the importer from the source's type or file suffix.
Heavy libraries (Keras/TensorFlow, scikit-learn, the TFLite schema, ONNX) are
imported only when a source needs them.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

from ..errors import ModelFormatError
from ..ir import Graph
from .keras import load_keras  # light: Keras itself is imported on first use
from .sklearn import load_sklearn
from .sklearn_files import PICKLE_SUFFIXES, SKOPS_SUFFIXES, load_pickle, load_skops

ACCEPTED = (".tflite, .keras, .h5, .hdf5, .json (+ weights .h5), .onnx, .esm, "
            "a keras.Model or a fitted scikit-learn estimator")
#: tree models: XGBoost .json/.ubj, LightGBM .txt, scikit-learn .skops (edgesmith.frontends.trees_load)
ACCEPTED += (", .json/.ubj (XGBoost), .txt (LightGBM), .skops (scikit-learn), "
             "an XGBoost or LightGBM model")


def load_model(source: Any, weights: str | os.PathLike | None = None, *,
               trust_pickle: bool = False) -> Graph:
    """The IR graph of a model file, an in-memory ``keras.Model`` or a scikit-learn estimator.

    ``weights`` is the weights ``.h5`` of a Keras architecture ``.json``. A scikit-learn
    estimator is read from ``.skops`` (trusted types only), or from a pickle only with
    ``trust_pickle`` (:mod:`.sklearn_files`).
    Raises :class:`ModelFormatError` for a missing file or an unknown kind of
    source, naming what is accepted.
    """
    if isinstance(source, (str, os.PathLike)):
        return _load_file(Path(source), weights, trust_pickle)
    if _is_instance_of(source, "keras", "Model"):
        return load_keras(source)
    if _is_sklearn_estimator(source) or _is_tree_library_model(source):
        from .trees_load import load_estimator
        return load_estimator(source)
    raise ModelFormatError(f"cannot import a {type(source).__name__}; accepted: {ACCEPTED}")


def _load_file(path: Path, weights, trust_pickle: bool = False) -> Graph:
    from ..io.limits import check_graph_bounds
    from ..io.unicode_text import valid_text

    graph = _import_file(path, weights, trust_pickle)
    graph.name = valid_text(graph.name)  # a name taken from a file name that is not UTF-8
    if isinstance(graph.meta.get("path"), str):
        graph.meta["path"] = valid_text(graph.meta["path"])
    check_graph_bounds(graph, str(path))
    for what, names in (("inputs", graph.inputs), ("outputs", graph.outputs)):
        if not names:  # e.g. a Keras config whose layer list is empty
            raise ModelFormatError(f"{path}: the model has no {what}; nothing to run",
                                   hint="check that the file is the whole model")
    return graph


def _import_file(path: Path, weights, trust_pickle: bool = False) -> Graph:
    if not path.exists():
        raise ModelFormatError(f"{path}: no such file")
    if not path.is_file():
        raise ModelFormatError(f"{path}: not a file")
    suffix = path.suffix.lower()
    if suffix == ".tflite":
        from .tflite import load_tflite
        return load_tflite(path)
    if suffix in SKOPS_SUFFIXES + PICKLE_SUFFIXES:  # trees, MLPs and linear models alike
        from .trees_load import load_estimator
        estimator = load_skops(path) if suffix in SKOPS_SUFFIXES else \
            load_pickle(path, trust_pickle)
        graph = load_estimator(estimator)
        graph.meta["path"] = str(path)
        return graph
    if suffix == ".ubj" or (suffix == ".json" and _is_xgboost_json(path)) \
            or (suffix == ".txt" and _is_lightgbm_text(path)):
        from .trees_load import load_tree_file
        return load_tree_file(path)
    if suffix == ".onnx":
        from .onnx import load_onnx
        return load_onnx(path)
    if suffix in (".keras", ".h5", ".hdf5", ".json"):
        return load_keras(path, weights)
    if suffix == ".esm":
        from ..io import load_esm
        return _read_from(load_esm(path), path)
    lightgbm = " (a .txt model is a LightGBM text model: its first line is 'tree')" \
        if suffix == ".txt" else ""
    raise ModelFormatError(f"{path}: unknown model file type {suffix or '(no suffix)'!r}; "
                           f"accepted: {ACCEPTED}{lightgbm}")


def _read_from(graph: Graph, path: Path) -> Graph:
    """An .esm stands alone: the file it was read from is its source from now on (banners,
    digests); the model it was made from is kept by name only, never opened again."""
    made_from = graph.meta.get("path")
    if made_from is not None and "made_from" not in graph.meta:
        graph.meta["made_from"] = made_from
    graph.meta["path"] = str(path)
    return graph


def _is_instance_of(obj: Any, module: str, cls: str) -> bool:
    """isinstance against ``module.cls`` without importing a module nobody has loaded."""
    loaded = sys.modules.get(module)
    return loaded is not None and isinstance(obj, getattr(loaded, cls))


def _is_xgboost_json(path: Path) -> bool:
    from .trees_load import is_xgboost_json
    return is_xgboost_json(path)


def _is_lightgbm_text(path: Path) -> bool:
    from .trees_load import is_lightgbm_text
    return is_lightgbm_text(path)


def _is_tree_library_model(obj: Any) -> bool:
    """An in-memory XGBoost or LightGBM model (either library already imported by the caller)."""
    return type(obj).__module__.split(".")[0] in ("xgboost", "lightgbm")


def _is_sklearn_estimator(obj: Any) -> bool:
    base = sys.modules.get("sklearn.base")
    return base is not None and isinstance(obj, base.BaseEstimator)


__all__ = ["ACCEPTED", "load_keras", "load_model", "load_sklearn"]
