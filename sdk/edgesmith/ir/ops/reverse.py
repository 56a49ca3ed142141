"""reverse: the order of some axes reversed (TFLite REVERSE_V2). The batch axis keeps its order."""

from __future__ import annotations

import numpy as np

from ...errors import UnsupportedError
from .base import Attr, OpDef, register


def _shape(shapes, a):
    x = shapes[0]
    if any(not 0 < ax < len(x) for ax in a["axes"]):
        raise ValueError(f"reverse axes {list(a['axes'])} of {list(x)} (not the batch axis)")
    return [tuple(x)]


def _move(x, a):
    return np.flip(x, axis=tuple(a["axes"])) if a["axes"] else x


def _from_tflite(imp, op) -> None:
    rank = len(imp.tflite(op.inputs[0]).shape)
    axes = sorted({int(ax) % rank for ax in imp.const_values(op, 1, "axis").reshape(-1)})
    if 0 in axes:
        raise UnsupportedError(f"{imp.path}: {op.title}: reversing the batch axis is not supported")
    imp.emit(op, "reverse", op.inputs[:1], {"axes": tuple(axes)})


REVERSE = register(OpDef(
    "reverse", ("x",), {"axes": Attr("ints", required=True)}, _shape,
    doc="The order of the given axes reversed.",
    pattern="injective", quant="shares", move=_move, tflite=("REVERSE_V2",),
    from_tflite=_from_tflite))
