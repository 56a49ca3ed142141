"""gather_table: rows of ``run`` consecutive input elements copied to the output in order,
row k starting at input element ``offsets[k]`` (per sample). The lowering step makes it for
a data-movement op whose index map is no strided walk (mirror padding, constant-index
gathers, resizes by a fraction): the offsets are computed offline, one per run of
consecutive elements, so the table stays small when the innermost axis moves whole."""

from __future__ import annotations

import numpy as np

from .base import Attr, OpDef, register


def _shape(shapes, a):
    count = int(np.prod(a["shape"][1:], dtype=np.int64))
    if a["run"] < 1 or len(a["offsets"]) * a["run"] != count:
        raise ValueError(f"{len(a['offsets'])} rows of {a['run']} do not fill {list(a['shape'])}")
    return [(shapes[0][0],) + tuple(a["shape"][1:])]


def _move(x, a):
    index = (np.asarray(a["offsets"], np.int64)[:, None] + np.arange(a["run"])).reshape(-1)
    flat = np.asarray(x).reshape(x.shape[0], -1)
    return flat[:, index].reshape((x.shape[0],) + tuple(a["shape"][1:]))


def row_table(index: np.ndarray) -> tuple[int, tuple[int, ...]]:
    """(run, offsets) of a flat index map: the longest run length that cuts it into rows of
    consecutive elements, and each row's first element."""
    index = np.asarray(index, np.int64).reshape(-1)
    for run in range(index.size, 0, -1):
        if index.size % run:
            continue
        rows = index.reshape(-1, run)
        if np.array_equal(rows - rows[:, :1], np.broadcast_to(np.arange(run), rows.shape)):
            return run, tuple(int(v) for v in rows[:, 0])
    raise AssertionError("run 1 always fits")


GATHER_TABLE = register(OpDef(
    "gather_table", ("x",),
    {"shape": Attr("ints", required=True), "run": Attr("int", required=True),
     "offsets": Attr("ints", required=True)}, _shape,
    doc="Row k of `run` elements copied from input element offsets[k] (per sample); the "
        "output has shape `shape` (dimension 0 is the batch).",
    pattern="injective", quant="shares", move=_move))
