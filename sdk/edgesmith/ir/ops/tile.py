"""tile: the tensor repeated ``multiples[k]`` times along each axis (TFLite TILE). The batch
axis is never repeated."""

from __future__ import annotations

import numpy as np

from ...errors import UnsupportedError
from .base import Attr, OpDef, register


def _shape(shapes, a):
    x, reps = shapes[0], tuple(a["multiples"])
    if len(reps) != len(x) or reps[0] != 1 or min(reps) < 1:
        raise ValueError(f"tile multiples {list(reps)} of {list(x)}: one per axis, >= 1, "
                         "and 1 for the batch axis")
    return [tuple(d * r for d, r in zip(x, reps))]


def _move(x, a):
    return np.tile(x, a["multiples"])


def _from_tflite(imp, op) -> None:
    reps = tuple(int(r) for r in imp.const_values(op, 1, "multiples").reshape(-1))
    if reps and reps[0] != 1:
        raise UnsupportedError(f"{imp.path}: {op.title}: tiling the batch axis ({list(reps)}) "
                               "is not supported")
    imp.emit(op, "tile", op.inputs[:1], {"multiples": reps})


TILE = register(OpDef(
    "tile", ("x",), {"multiples": Attr("ints", required=True)}, _shape,
    doc="Repeated multiples[k] times along axis k (multiples[0] == 1).",
    pattern="injective", quant="shares", move=_move, tflite=("TILE",),
    from_tflite=_from_tflite))
