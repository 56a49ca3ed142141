"""broadcast_to: axes of size 1 repeated up to a constant shape (TFLite BROADCAST_TO). The
batch axis stays as it is."""

from __future__ import annotations

import numpy as np

from ...errors import UnsupportedError
from .base import Attr, OpDef, broadcast_shapes, register


def _shape(shapes, a):
    x, shape = tuple(shapes[0]), tuple(a["shape"])
    if len(shape) < len(x) or broadcast_shapes(x, shape) != shape or shape[0] != 1:
        raise ValueError(f"{list(x)} does not broadcast to {list(shape)} with a batch of 1")
    return [shape]


def _move(x, a):
    shape = tuple(a["shape"])
    x = x.reshape((x.shape[0],) + (1,) * (len(shape) - x.ndim) + x.shape[1:])
    return np.ascontiguousarray(np.broadcast_to(x, (x.shape[0],) + shape[1:]))


def _from_tflite(imp, op) -> None:
    shape = tuple(int(d) for d in imp.const_values(op, 1, "shape").reshape(-1))
    if len(shape) != len(imp.tflite(op.inputs[0]).shape):
        raise UnsupportedError(f"{imp.path}: {op.title}: broadcasting to a higher rank "
                               f"({list(shape)}) is not supported (the batch axis moves)")
    imp.emit(op, "broadcast_to", op.inputs[:1], {"shape": shape})


BROADCAST_TO = register(OpDef(
    "broadcast_to", ("x",), {"shape": Attr("ints", required=True)}, _shape,
    doc="Axes of size 1 repeated to `shape` (dimension 0 is the batch).",
    pattern="injective", quant="shares", move=_move, tflite=("BROADCAST_TO",),
    from_tflite=_from_tflite))
