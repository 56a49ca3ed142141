"""mean: the average over some axes, with or without keeping them."""

from __future__ import annotations

import numpy as np

from ...errors import UnsupportedError
from .base import Attr, OpDef, register
from .reference import attrs_of, f32
from .tflite_read import option


def _shape(shapes, a):
    x = shapes[0]
    axes = {ax % len(x) for ax in a["axes"]}
    if a["keepdims"]:
        return [tuple(1 if i in axes else d for i, d in enumerate(x))]
    return [tuple(d for i, d in enumerate(x) if i not in axes)]


def _float(op, graph, args):
    a = attrs_of(op)
    return np.mean(f32(args[0]), axis=tuple(a["axes"]), keepdims=a["keepdims"], dtype=np.float32)


def tflite_reducer(op_type: str, what: str):
    """The TFLite reader of a reduction over constant axes (MEAN, SUM)."""
    def read(imp, op) -> None:
        rank = len(imp.tflite(op.inputs[0]).shape)
        axes = sorted({int(a) % rank for a in imp.const_values(op, 1, "axes").reshape(-1)})
        if 0 in axes:
            raise UnsupportedError(f"{imp.path}: {op.title}: a {what} over the batch axis is "
                                   "not supported")
        imp.emit(op, op_type, op.inputs[:1],
                 {"axes": tuple(axes), "keepdims": bool(option(op, "KeepDims", False))})
    return read


MEAN = register(OpDef(
    "mean", ("x",), {"axes": Attr("ints", required=True), "keepdims": Attr("bool", False)},
    _shape, doc="Mean over the given axes.",
    pattern="reduction", float_ref=_float, tflite=("MEAN",),
    from_tflite=tflite_reducer("mean", "mean"),
    keras=("GlobalAveragePooling1D", "GlobalAveragePooling2D")))
