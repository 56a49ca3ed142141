"""A tree ensemble as flat node arrays, and the reference that evaluates it.

Every importer (scikit-learn, XGBoost, LightGBM) lowers its trees to one
:class:`TreeEnsemble`; the simulator, the C and the HLS generators read only
this. Decisions are stored in one form for all libraries: go left when the
float32 feature is ``<=`` the node's float32 threshold. The importer derives
that threshold from the library's own rule (see :mod:`.thresholds`), so every
decision equals the library's for every float32 feature value.

Scores: ``acc = base``; each tree, in order, adds its leaf (a vector to all
outputs, or one value to output ``target``) in the accumulator type
(``float64`` or ``float32``, as the library adds); ``average`` then divides by
the number of trees adding to each output. This is the library's raw output
(class probabilities of a forest, the margin of a boosted model) before any
link function.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

#: how the label is read from the scores: ``argmax``; ``nonnegative`` (binary raw
#: score >= 0 gives class 1: sklearn gradient boosting); ``positive`` (> 0: XGBoost and
#: LightGBM binary margins, whose probability > 0.5); ``none`` (regression)
DECISIONS = ("argmax", "nonnegative", "positive", "none")
ACCUMULATORS = ("float64", "float32")


@dataclass
class TreeEnsemble:
    """Trees as concatenated node arrays (node ``i`` of every array is one node)."""

    n_features: int
    #: split feature per node; -1 marks a leaf
    feature: np.ndarray  # int32 [N]
    #: go left when x[feature] <= threshold (float32 compare)
    threshold: np.ndarray  # float32 [N]
    left: np.ndarray  # int32 [N], global node index
    right: np.ndarray  # int32 [N]
    #: leaf values, one row per node (zeros on split nodes)
    value: np.ndarray  # float64 [N, V]
    roots: np.ndarray  # int32 [T]
    #: output a tree adds its single value to; -1: the tree adds its V-vector to all outputs
    target: np.ndarray  # int32 [T]
    base: np.ndarray  # float64 [n_outputs]
    accumulate: str = "float64"
    average: bool = False
    decision: str = "none"
    #: what the scores equal (for messages and reports), e.g. "predict_proba"
    output: str = ""
    #: the labels ``decision`` indexes (classifiers)
    classes: list = field(default_factory=list)
    #: library and estimator, e.g. ("sklearn", "RandomForestClassifier")
    source: tuple[str, str] = ("", "")

    def __post_init__(self):
        self.feature = np.ascontiguousarray(self.feature, np.int32)
        self.threshold = np.ascontiguousarray(self.threshold)  # float32, or int16 if quantized
        self.left = np.ascontiguousarray(self.left, np.int32)
        self.right = np.ascontiguousarray(self.right, np.int32)
        self.value = np.ascontiguousarray(np.atleast_2d(self.value), np.float64)
        self.roots = np.ascontiguousarray(self.roots, np.int32)
        self.target = np.ascontiguousarray(self.target, np.int32)
        self.base = np.ascontiguousarray(self.base, np.float64)
        if self.accumulate not in ACCUMULATORS:
            raise ValueError(f"accumulate {self.accumulate!r} not in {ACCUMULATORS}")
        if self.decision not in DECISIONS:
            raise ValueError(f"decision {self.decision!r} not in {DECISIONS}")

    @property
    def n_outputs(self) -> int:
        return int(self.base.shape[0])

    @property
    def n_trees(self) -> int:
        return int(self.roots.shape[0])

    @property
    def n_nodes(self) -> int:
        return int(self.feature.shape[0])

    @property
    def average_count(self) -> int:
        """What ``average`` divides by: the trees adding to each output (iterations)."""
        return self.n_trees if (self.target < 0).all() else self.n_trees // self.n_outputs

    @property
    def acc_dtype(self) -> type:
        return np.float64 if self.accumulate == "float64" else np.float32

    def tree_nodes(self, t: int) -> np.ndarray:
        """Global indices of tree ``t``'s nodes (trees are stored one after another)."""
        end = self.roots[t + 1] if t + 1 < self.n_trees else self.n_nodes
        return np.arange(self.roots[t], end)

    def leaf_values(self, t: int, leaf: int) -> np.ndarray:
        """What tree ``t``'s ``leaf`` adds: a value per output, or one value."""
        return self.value[leaf] if self.target[t] < 0 else self.value[leaf, :1]


def leaves_reached(ens: TreeEnsemble, x: np.ndarray) -> np.ndarray:
    """The leaf node each tree reaches for each sample: int [N, T] (float32 features)."""
    x = np.asarray(x, np.float32)  # integer features (quantized) are exact in float32 too
    threshold = ens.threshold.astype(np.float32)
    node = np.broadcast_to(ens.roots, (x.shape[0], ens.n_trees)).copy()
    rows = np.arange(x.shape[0])[:, None]
    while True:
        feat = ens.feature[node]
        split = feat >= 0
        if not split.any():
            return node
        go_left = x[rows, np.maximum(feat, 0)] <= threshold[node]
        node = np.where(split, np.where(go_left, ens.left[node], ens.right[node]), node)


def scores(ens: TreeEnsemble, x: np.ndarray) -> np.ndarray:
    """The ensemble's raw scores [N, n_outputs], added in the library's order and type."""
    leaves = leaves_reached(ens, x)
    dt = ens.acc_dtype
    acc = np.tile(ens.base.astype(dt), (leaves.shape[0], 1))
    value = ens.value.astype(dt)
    for t in range(ens.n_trees):
        if ens.target[t] < 0:
            acc += value[leaves[:, t]]
        else:
            acc[:, ens.target[t]] += value[leaves[:, t], 0]
    if ens.average:
        acc /= dt(ens.average_count)
    return acc


def decide(ens: TreeEnsemble, raw: np.ndarray) -> np.ndarray:
    """Class indices [N] from scores (classifiers only)."""
    if ens.decision == "argmax":
        return np.argmax(raw, axis=1).astype(np.int32)
    if ens.decision == "nonnegative":
        return (raw[:, 0] >= 0).astype(np.int32)
    if ens.decision == "positive":
        return (raw[:, 0] > 0).astype(np.int32)
    raise ValueError("a regressor has no classes")


def predict(ens: TreeEnsemble, x: np.ndarray) -> np.ndarray:
    """What the library's ``predict`` returns: labels, or the regression values [N] / [N, k]."""
    raw = scores(ens, x)
    if ens.decision == "none":
        return raw[:, 0] if raw.shape[1] == 1 else raw
    return np.asarray(ens.classes)[decide(ens, raw)]
