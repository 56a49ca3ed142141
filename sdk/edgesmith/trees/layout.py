"""How a tree ensemble is laid out in generated code (shared by C and HLS).

Leaves with equal values share one row of a constant value table (a forest
of pure leaves has as many rows as classes); a tree returns the row of the
leaf it reaches. Each tree is emitted in one of two forms, whichever is estimated
smaller in flash for that tree:

- ``nested``: the tree as nested ``if (x[f] <= t)`` statements returning value
  rows (code: :data:`NESTED_SPLIT_BYTES` per split and :data:`NESTED_LEAF_BYTES`
  per leaf on Thumb-2);
- ``table``: its splits as rows of constant arrays (feature, threshold, left,
  right; a child ``< 0`` is leaf ``-child - 1``), walked by one shared loop.

Code generators get ready-made text (literals, statement lines); templates
only place it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..ir.tree_ensemble import TreeEnsemble

#: Thumb-2 bytes (arm-none-eabi-gcc -Os, Cortex-M4F) of one nested split (load the
#: feature, the threshold literal, compare, branch) and one nested leaf (return a row),
#: for float and for int8 features; and of the shared table walker with its root table.
#: Fitted to object sizes of forests of 6 to 732 splits (bench/trees_emlearn.py).
NESTED_SPLIT_BYTES = {"float": 20, "int8": 10}
NESTED_LEAF_BYTES = {"float": 6, "int8": 4}
TABLE_WALKER_BYTES = 90


def c_float(value: float, single: bool) -> str:
    """A C literal that reads back as exactly ``value`` (float32 or double)."""
    v = float(np.float32(value)) if single else float(value)
    suffix = "f" if single else ""
    if np.isinf(v):
        return ("-" if v < 0 else "") + ("HUGE_VALF" if single else "HUGE_VAL")
    text = f"{v:.9g}" if single else f"{v:.17g}"
    if not any(c in text for c in ".e"):
        text += ".0"
    return text + suffix


def int_type(lo: int, hi: int) -> str:
    """The smallest stdint type holding [lo, hi]."""
    for name, bits in (("int8_t", 8), ("int16_t", 16), ("int32_t", 32)):
        if -(1 << (bits - 1)) <= lo and hi < (1 << (bits - 1)):
            if lo >= 0 and hi < (1 << bits) and name != "int32_t":
                return "u" + name
            return name
    raise ValueError(f"[{lo}, {hi}] does not fit 32 bits")


@dataclass
class TreeLayout:
    """The render-ready facts of an ensemble (see the module doc)."""

    ens: TreeEnsemble
    quantized: bool
    forms: list[str] = field(default_factory=list)       # per tree: nested | table
    nested_code: dict[int, list[str]] = field(default_factory=dict)  # tree -> statements
    leaf_of: np.ndarray | None = None                    # node -> value row (-1: split)
    rows: np.ndarray | None = None                       # the distinct leaf values
    #: s when every leaf and base value is an integer times 2**-s and no partial sum can
    #: round: the sums are then added as integers, exactly what the float sums are
    int_shift: int | None = None
    table_rows: list[tuple[int, str, int, int]] = field(default_factory=list)
    table_roots: list[int] = field(default_factory=list)  # per tree (0 for nested trees)

    @property
    def n_leaves(self) -> int:
        return int((self.ens.feature < 0).sum())

    @property
    def n_rows(self) -> int:
        return int(self.rows.shape[0])

    @property
    def score_type(self) -> str:
        return "double" if self.ens.accumulate == "float64" else "float"

    @property
    def threshold_type(self) -> str:
        if not self.quantized:
            return "float"
        t = self.ens.threshold
        return int_type(int(t.min(initial=0)), int(t.max(initial=0)))

    @property
    def input_type(self) -> str:
        return "int8_t" if self.quantized else "float"

    @property
    def vector_leaves(self) -> bool:
        """Each leaf holds one value per output (forests) rather than one value."""
        return bool((self.ens.target < 0).all())

    @property
    def value_type(self) -> str:
        """C type of the value table: the score type, or integers (see ``int_shift``)."""
        if self.int_shift is None:
            return self.score_type
        scaled = self._scaled(self.rows)
        return int_type(int(scaled.min(initial=0)), int(scaled.max(initial=0)))

    @property
    def int_scale_literal(self) -> str:
        return c_float(2.0 ** -self.int_shift, self.score_type == "float")

    def _scaled(self, values: np.ndarray) -> np.ndarray:
        return np.asarray(values, np.float64) * 2.0 ** self.int_shift

    def leaf_values(self) -> list[str]:
        if self.int_shift is not None:
            return [", ".join(str(int(v)) for v in row) for row in self._scaled(self.rows)]
        single = self.ens.accumulate == "float32"
        return [", ".join(c_float(v, single) for v in row) for row in self.rows]

    def base_literals(self) -> list[str]:
        if self.int_shift is not None:
            return [str(int(v)) for v in self._scaled(self.ens.base)]
        single = self.ens.accumulate == "float32"
        return [c_float(b, single) for b in self.ens.base]

    def threshold_literal(self, node: int) -> str:
        t = self.ens.threshold[node]
        return str(int(t)) if self.quantized else c_float(t, True)


def lay_out(ens: TreeEnsemble, quantized: bool = False, force: str | None = None) -> TreeLayout:
    """Number the leaves, pick each tree's form (or ``force`` one) and render it."""
    layout = TreeLayout(ens, quantized)
    is_leaf = ens.feature < 0
    width = ens.n_outputs if layout.vector_leaves else 1
    # rows compare by their bits: equal doubles, and -0.0 kept apart from 0.0
    bits = np.ascontiguousarray(ens.value[is_leaf, :width]).view(np.uint64)
    unique, row_of_leaf = np.unique(bits, axis=0, return_inverse=True)
    layout.rows = unique.view(np.float64).reshape(-1, width)
    layout.leaf_of = np.full(ens.n_nodes, -1)
    layout.leaf_of[is_leaf] = row_of_leaf.ravel()
    layout.int_shift = exact_integer_shift(layout)
    table_index = {}
    for t, form in enumerate([force] * ens.n_trees if force else _smaller_forms(layout)):
        nodes = ens.tree_nodes(t)
        layout.forms.append(form)
        if form == "nested":
            layout.nested_code[t] = _nested(layout, int(ens.roots[t]), 1)
            layout.table_roots.append(0)
            continue
        for n in nodes[~is_leaf[nodes]]:
            table_index[int(n)] = len(table_index)
        layout.table_roots.append(_child(layout, table_index, int(ens.roots[t])))
    for n, _ in sorted(table_index.items(), key=lambda kv: kv[1]):
        layout.table_rows.append((int(ens.feature[n]), layout.threshold_literal(n),
                                  _child(layout, table_index, int(ens.left[n])),
                                  _child(layout, table_index, int(ens.right[n]))))
    return layout


def exact_integer_shift(layout: TreeLayout, max_shift: int = 24) -> int | None:
    """The smallest s making every value an integer times 2**-s whose partial sums stay
    exact in the score type and in int32, or None (e.g. a forest of pure leaves: s = 0)."""
    ens = layout.ens
    values = np.concatenate([layout.rows.ravel(), ens.base])
    if not np.isfinite(values).all() or (np.signbit(ens.base) & (ens.base == 0)).any():
        return None  # -0.0 start: the float sum can keep a sign the integers lose
    mantissa = 53 if ens.accumulate == "float64" else 24
    per_tree = np.abs(layout.rows).max(initial=0.0)
    for shift in range(max_shift + 1):
        scaled = values * 2.0 ** shift
        if not (scaled == np.round(scaled)).all():
            continue
        bound = (np.abs(ens.base).max(initial=0.0) + ens.n_trees * per_tree) * 2.0 ** shift
        return shift if bound < 2.0 ** min(mantissa, 31) else None
    return None


def _child(layout: TreeLayout, table_index: dict, node: int) -> int:
    leaf = int(layout.leaf_of[node])
    return -leaf - 1 if leaf >= 0 else table_index[node]


def _smaller_forms(layout: TreeLayout) -> list[str]:
    """Per tree the smaller form; all nested when that saves the table walker's bytes."""
    ens = layout.ens
    kind = "int8" if layout.quantized else "float"
    feature_bytes = 1 if ens.n_features <= 256 else 2
    child_bytes = 2 if ens.n_nodes < 32768 else 4
    threshold_bytes = 2 if layout.quantized else 4
    nested, table = [], []
    for t in range(ens.n_trees):
        split = ens.feature[ens.tree_nodes(t)] >= 0
        splits, leaves = int(split.sum()), int((~split).sum())
        table.append(splits * (feature_bytes + threshold_bytes + 2 * child_bytes))
        nested.append(splits * NESTED_SPLIT_BYTES[kind] + leaves * NESTED_LEAF_BYTES[kind])
    mixed = [n < tb for n, tb in zip(nested, table)]
    mixed_bytes = sum(min(n, tb) for n, tb in zip(nested, table))
    if not all(mixed) and sum(nested) <= mixed_bytes + TABLE_WALKER_BYTES:
        return ["nested"] * ens.n_trees
    return ["nested" if m else "table" for m in mixed]


def _nested(layout: TreeLayout, node: int, depth: int) -> list[str]:
    ens, pad = layout.ens, "    " * depth
    if ens.feature[node] < 0:
        return [f"{pad}return {int(layout.leaf_of[node])};"]
    head = f"{pad}if (x[{int(ens.feature[node])}] <= {layout.threshold_literal(node)}) {{"
    return ([head] + _nested(layout, int(ens.left[node]), depth + 1) + [f"{pad}}}"]
            + _nested(layout, int(ens.right[node]), depth))
