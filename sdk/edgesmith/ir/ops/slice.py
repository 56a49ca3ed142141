"""slice: every axis read from ``begin`` in steps of ``strides`` for ``size`` elements, then
the ``shrink`` axes (each of size 1) dropped. TFLite SLICE, STRIDED_SLICE (constant begin,
end and strides, with their masks), and the outputs of SPLIT, SPLIT_V and UNPACK, one slice
each. The batch axis is always read whole."""

from __future__ import annotations

import numpy as np

from .base import Attr, OpDef, register
from .slice_tflite import from_tflite


def _indices(shape, a) -> list[np.ndarray]:
    return [b + s * np.arange(n, dtype=np.int64)
            for b, n, s in zip(a["begin"], a["size"], a["strides"])]


def _shape(shapes, a):
    x = shapes[0]
    if not len(a["begin"]) == len(a["size"]) == len(a["strides"]) == len(x):
        raise ValueError(f"slice of {list(x)} needs {len(x)} begins, sizes and strides")
    for axis, (dim, idx) in enumerate(zip(x, _indices(x, a))):
        if idx.size and (idx.min() < 0 or idx.max() >= dim):
            raise ValueError(f"slice reads outside axis {axis} of {list(x)}")
    if a["size"][0] != 1 or a["begin"][0] != 0 or 0 in a["shrink"]:
        raise ValueError("a slice reads the batch axis whole")
    if any(a["size"][k] != 1 for k in a["shrink"]):
        raise ValueError("only axes of size 1 are dropped")
    return [tuple(n for k, n in enumerate(a["size"]) if k not in a["shrink"])]


def _move(x, a):
    idx = _indices(x.shape, a)
    idx[0] = np.arange(x.shape[0])  # every sample of the batch
    out = x[np.ix_(*idx)]
    return out.reshape([n for k, n in enumerate(out.shape) if k not in a["shrink"]])


SLICE = register(OpDef(
    "slice", ("x",),
    {"begin": Attr("ints", required=True), "size": Attr("ints", required=True),
     "strides": Attr("ints", required=True), "shrink": Attr("ints", ())}, _shape,
    doc="Axis k read at begin[k] + strides[k] * i for i < size[k]; the shrink axes dropped.",
    pattern="injective", quant="shares", move=_move,
    tflite=("SLICE", "STRIDED_SLICE", "SPLIT", "SPLIT_V", "UNPACK"), from_tflite=from_tflite))
