"""Import XGBoost models (``.json``, ``.ubj``, or a Booster / XGBModel) as a TreeEnsemble.

XGBoost's rules, as its CPU predictor applies them: features are float32; a
node sends ``x < split_condition`` left (float32 compare; made ``<=`` by
:func:`edgesmith.trees.thresholds.lt_float32`); leaf values are float32 and the
margin is the float32 sum, in tree order, starting from the base margin (the
``base_score`` taken through the objective's inverse link). Scores are that
margin (``predict(output_margin=True)``); labels follow ``predict``: margin > 0
for ``binary:*``, argmax for ``multi:*``. Probabilities go through ``expf``,
whose last bit depends on the C library, so they are not part of the exact
contract.
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import ModelFormatError, UnsupportedError
from ..ir.tree_ensemble import TreeEnsemble
from ..trees.thresholds import lt_float32

#: objective -> (link of base_score, decision)
_OBJECTIVES = {
    "reg:squarederror": ("identity", "none"), "reg:absoluteerror": ("identity", "none"),
    "reg:pseudohubererror": ("identity", "none"), "reg:logistic": ("logit", "none"),
    "binary:logistic": ("logit", "positive"), "binary:logitraw": ("identity", "positive"),
    "multi:softprob": ("identity", "argmax"), "multi:softmax": ("identity", "argmax"),
}


def load_xgboost(model: Any) -> TreeEnsemble:
    """From a ``.json``/``.ubj`` path, an ``xgboost.Booster`` or a fitted XGBModel."""
    import xgboost

    origin = "XGBoost model"
    if isinstance(model, (str, Path)):
        origin = Path(model).name
        try:
            booster = xgboost.Booster(model_file=str(model))
        except xgboost.core.XGBoostError as exc:
            raise ModelFormatError(f"{origin}: not an XGBoost model file "
                                   f"({_reason(exc)})") from None
    elif isinstance(model, xgboost.Booster):
        booster = model
    elif hasattr(model, "get_booster"):
        booster = model.get_booster()
    else:
        raise UnsupportedError(f"{type(model).__name__} is not an XGBoost model")
    doc = json.loads(bytes(booster.save_raw("json")))
    return _from_json(doc, origin)


def _reason(exc: Exception) -> str:
    """XGBoost's parse error without its timestamp and source location."""
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return re.sub(r"^\[[^\]]*\]\s*\S+:\d+:\s*", "", text)[:200]


def _from_json(doc: dict, origin: str) -> TreeEnsemble:
    learner = doc["learner"]
    gbm = learner["gradient_booster"]
    if gbm["name"] != "gbtree":
        raise UnsupportedError(f"{origin}: booster {gbm['name']!r} is not supported; "
                               "only gbtree (dart and gblinear are not trees)")
    objective = learner["objective"]["name"]
    if objective not in _OBJECTIVES:
        raise UnsupportedError(f"{origin}: objective {objective!r} is not supported; "
                               f"supported: {', '.join(_OBJECTIVES)}")
    link, decision = _OBJECTIVES[objective]
    param = learner["learner_model_param"]
    n_features = int(param["num_feature"])
    n_out = max(int(param["num_class"]), int(param.get("num_target", "1")), 1)
    base = _base_margin(param["base_score"], link, n_out)
    model = gbm["model"]
    feats, thrs, lefts, rights, values, roots = [], [], [], [], [], []
    offset = 0
    for tree in model["trees"]:
        if tree.get("categories_nodes"):
            raise UnsupportedError(f"{origin}: categorical splits are not supported; "
                                   "one-hot encode the feature")
        if int(tree["tree_param"].get("size_leaf_vector", "1")) > 1:
            raise UnsupportedError(f"{origin}: multi-output (vector leaf) trees are not "
                                   "supported; use multi_strategy='one_output_per_tree'")
        lc = np.asarray(tree["left_children"], np.int64)
        rc = np.asarray(tree["right_children"], np.int64)
        cond = np.asarray(tree["split_conditions"], np.float32)
        leaf = lc < 0
        feats.append(np.where(leaf, -1, tree["split_indices"]))
        thrs.append(np.where(leaf, np.float32(0), lt_float32(cond)))
        lefts.append(np.where(leaf, -1, lc + offset))
        rights.append(np.where(leaf, -1, rc + offset))
        values.append(np.where(leaf, cond, np.float32(0)).astype(np.float64)[:, None])
        roots.append(offset)
        offset += len(lc)
    if not roots:
        raise ModelFormatError(f"{origin}: the model has no trees")
    return TreeEnsemble(
        n_features=n_features, feature=np.concatenate(feats), threshold=np.concatenate(thrs),
        left=np.concatenate(lefts), right=np.concatenate(rights),
        value=np.concatenate(values), roots=np.asarray(roots),
        target=np.asarray(model["tree_info"]), base=base, accumulate="float32",
        decision=decision, output="predict(output_margin=True)",
        classes=list(range(max(n_out, 2))) if decision != "none" else [],
        source=("xgboost", objective))


def _base_margin(text: str, link: str, n_out: int) -> np.ndarray:
    """The starting margin per output: base_score (one or a vector) through the link."""
    values = [float(v) for v in text.strip("[]").split(",") if v.strip()]
    values = values * n_out if len(values) == 1 else values
    if len(values) != n_out:
        raise ModelFormatError(f"base_score {text!r} does not give {n_out} outputs")
    p = np.asarray(values, np.float32)
    if link == "logit":  # XGBoost: -log(1/p - 1) in float32
        p = np.asarray([-math.log(float(np.float32(1) / v - np.float32(1))) for v in p],
                       np.float32)
    return p.astype(np.float64)
