"""Import LightGBM models (the ``.txt`` model file, or a Booster / LGBMModel).

LightGBM's rules: features are widened to double and a numerical node sends
``x <= threshold`` (a double, written with 17 digits in the file) left, made a
float32 test by :func:`edgesmith.trees.thresholds.le_float64`; leaf values are
doubles summed in tree order (tree ``i`` adds to class ``i % num_class``),
``average_output`` (random-forest mode) divides by the number of iterations.
Scores are ``predict(raw_score=True)`` (divided by the number of iterations in
average_output mode, as ``predict`` does before its link); labels are margin > 0 (binary) or the
argmax (multiclass), which is what ``predict`` returns except for a margin
within about 1e-16 of a tie, where the rounded probabilities tie.
Categorical splits and linear trees are refused.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from ..errors import ModelFormatError, UnsupportedError
from ..ir.tree_ensemble import TreeEnsemble
from ..trees.thresholds import le_float64

_ZERO = 1e-35  # LightGBM's kZeroThreshold: |x| below it is "zero" for missing_type Zero
_CATEGORICAL, _DEFAULT_LEFT = 1, 2


def load_lightgbm(model: Any) -> TreeEnsemble:
    """From a ``.txt`` model path, a ``lightgbm.Booster`` or a fitted LGBMModel."""
    if isinstance(model, (str, Path)):
        origin = Path(model).name
        try:
            text = Path(model).read_text()
        except (OSError, UnicodeDecodeError) as exc:
            raise ModelFormatError(f"{origin}: cannot read a LightGBM text model ({exc})") \
                from None
    elif hasattr(model, "model_to_string"):
        origin, text = "LightGBM model", model.model_to_string()
    elif hasattr(model, "booster_"):
        origin, text = type(model).__name__, model.booster_.model_to_string()
    else:
        raise UnsupportedError(f"{type(model).__name__} is not a LightGBM model")
    return parse_lightgbm_text(text, origin)


def parse_lightgbm_text(text: str, origin: str) -> TreeEnsemble:
    blocks = text.split("\nTree=")
    header = _keys(blocks[0])
    if header.get("tree") is None and "version" not in header:
        raise ModelFormatError(f"{origin}: not a LightGBM text model (no 'tree' header)")
    try:
        n_class = int(header["num_tree_per_iteration"])
        n_features = int(header["max_feature_idx"]) + 1
        objective = header.get("objective", "").split(" ")[0]
    except (KeyError, ValueError) as exc:
        raise ModelFormatError(f"{origin}: header misses {exc}") from None
    feats, thrs, lefts, rights, values, roots, target = [], [], [], [], [], [], []
    offset = 0
    for i, block in enumerate(blocks[1:]):
        block = block.split("end of trees")[0]
        keys = _keys(block)
        where = f"{origin} tree {i}"
        if keys.get("is_linear", "0") != "0":
            raise UnsupportedError(f"{where}: linear trees are not supported")
        f, t, lc, rc, v = _tree(keys, where)
        feats.append(f)
        thrs.append(t)
        lefts.append(np.where(lc < 0, -1, lc + offset))
        rights.append(np.where(rc < 0, -1, rc + offset))
        values.append(v)
        roots.append(offset)
        target.append(i % n_class)
        offset += len(f)
    if not roots:
        raise ModelFormatError(f"{origin}: the model has no trees")
    classifier = objective in ("binary", "multiclass", "multiclassova")
    average = "average_output" in blocks[0].split("\n")
    decision = ("positive" if n_class == 1 else "argmax") if classifier else "none"
    return TreeEnsemble(
        n_features=n_features, feature=np.concatenate(feats), threshold=np.concatenate(thrs),
        left=np.concatenate(lefts), right=np.concatenate(rights),
        value=np.concatenate(values)[:, None], roots=np.asarray(roots),
        target=np.asarray(target), base=np.zeros(n_class), accumulate="float64",
        average=average, decision=decision,
        output="predict(raw_score=True)" + (" / iterations" if average else ""),
        classes=list(range(max(n_class, 2))) if classifier else [],
        source=("lightgbm", objective))


def _keys(block: str) -> dict[str, str]:
    out = {}
    for line in block.split("\n"):
        key, sep, value = line.partition("=")
        if sep:
            out[key.strip()] = value.strip()
    return out


def _numbers(keys: dict, name: str, dtype, where: str, count: int) -> np.ndarray:
    try:
        arr = np.asarray([float(v) for v in keys[name].split()], np.float64).astype(dtype)
    except (KeyError, ValueError):
        raise ModelFormatError(f"{where}: missing or malformed {name}") from None
    if arr.shape[0] != count:
        raise ModelFormatError(f"{where}: {name} has {arr.shape[0]} values, expected {count}")
    return arr


def _tree(keys: dict, where: str):
    """Node arrays of one tree: splits 0..L-2 first, then leaf j at node L-1+j."""
    try:
        n_leaves = int(keys["num_leaves"])
    except (KeyError, ValueError):
        raise ModelFormatError(f"{where}: missing num_leaves") from None
    leaf_value = _numbers(keys, "leaf_value", np.float64, where, n_leaves)
    n_split = n_leaves - 1
    leaf_value = np.concatenate([np.zeros(n_split), leaf_value])
    feature = np.full(n_split + n_leaves, -1, np.int64)
    threshold = np.zeros(n_split + n_leaves, np.float32)
    left = np.full(n_split + n_leaves, -1, np.int64)
    right = left.copy()
    if n_split:
        feature[:n_split] = _numbers(keys, "split_feature", np.int64, where, n_split)
        raw = _numbers(keys, "threshold", np.float64, where, n_split)
        kind = _numbers(keys, "decision_type", np.int64, where, n_split)
        if (kind & _CATEGORICAL).any():
            raise UnsupportedError(f"{where}: categorical splits are not supported; "
                                   "one-hot encode the feature or train it as numerical")
        _check_zero_missing(raw, kind, where)
        threshold[:n_split] = le_float64(raw)
        for name, dest in (("left_child", left), ("right_child", right)):
            child = _numbers(keys, name, np.int64, where, n_split)
            dest[:n_split] = np.where(child < 0, n_split + ~child, child)
    return feature, threshold, left, right, leaf_value


def _check_zero_missing(threshold: np.ndarray, kind: np.ndarray, where: str) -> None:
    """missing_type Zero sends |x| < 1e-35 the default way: accept it where that way is
    the way the comparison sends those values anyway."""
    zero = ((kind >> 2) & 3) == 1
    default_left = (kind & _DEFAULT_LEFT) != 0
    compare_left = threshold >= _ZERO
    compare_right = threshold < -_ZERO
    agree = np.where(default_left, compare_left, compare_right)
    if (zero & ~agree).any():
        raise UnsupportedError(f"{where}: a zero-as-missing split sends zero against its "
                               "threshold; retrain with zero_as_missing=False")
