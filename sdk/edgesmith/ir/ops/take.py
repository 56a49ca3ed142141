"""take: slices of one axis picked by constant indices (TFLite GATHER with constant indices;
named after NumPy's take because ``gather`` is the lowering's strided-walk primitive). The
indices' own shape replaces the axis."""

from __future__ import annotations

import numpy as np

from ...errors import ModelFormatError, UnsupportedError
from .base import Attr, OpDef, register
from .tflite_read import option


def _shape(shapes, a):
    x, axis = shapes[0], a["axis"]
    if not 0 < axis < len(x):
        raise ValueError(f"take axis {axis} of {list(x)} (the batch axis cannot be indexed)")
    idx = np.asarray(a["indices"])
    if idx.size != int(np.prod(a["indices_shape"])) or (idx.size and (
            idx.min() < 0 or idx.max() >= x[axis])):
        raise ValueError(f"indices outside axis {axis} of size {x[axis]} or of the wrong count")
    return [tuple(x[:axis]) + tuple(a["indices_shape"]) + tuple(x[axis + 1:])]


def _move(x, a):
    idx = np.asarray(a["indices"], dtype=np.int64).reshape(a["indices_shape"])
    return np.take(x, idx, axis=a["axis"])


def _from_tflite(imp, op) -> None:
    rank = len(imp.tflite(op.inputs[0]).shape)
    if imp.tflite(op.inputs[1]).data is None:
        raise UnsupportedError(f"{imp.path}: {op.title}: GATHER with indices computed at run "
                               "time is not supported (only constant indices)")
    if option(op, "BatchDims", 0):
        raise UnsupportedError(f"{imp.path}: {op.title}: GATHER with batch_dims is not supported")
    axis = option(op, "Axis", 0)
    axis = axis + rank if axis < 0 else axis
    if axis == 0:
        raise UnsupportedError(f"{imp.path}: {op.title}: gathering along the batch axis is not "
                               "supported")
    indices = imp.const_values(op, 1, "indices").astype(np.int64)
    size = imp.tflite(op.inputs[0]).shape[axis] if axis < rank else 0
    if indices.size and (indices.min() < 0 or indices.max() >= size):
        raise ModelFormatError(f"{imp.path}: {op.title}: indices outside [0, {size})")
    imp.emit(op, "take", op.inputs[:1], {"axis": axis, "indices": tuple(map(int, indices.flat)),
                                         "indices_shape": tuple(indices.shape)})


TAKE = register(OpDef(
    "take", ("x",), {"axis": Attr("int", required=True), "indices": Attr("ints", required=True),
                     "indices_shape": Attr("ints", required=True)}, _shape,
    doc="Slices of `axis` picked by constant indices of shape `indices_shape`.",
    pattern="injective", quant="shares", move=_move, tflite=("GATHER",),
    from_tflite=_from_tflite))
