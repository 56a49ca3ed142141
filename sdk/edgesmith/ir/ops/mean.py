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


def _keep_batch(imp, index: int, where: str) -> None:
    """The output of a reduction that dropped the batch axis, as an IR activation with its
    batch of 1 in front (the same values: TFLite's shape [] is the IR's [1])."""
    from ..graph import Tensor

    if (index, False) in imp.names:
        return
    t = imp.tflite(index)
    fmt = imp.format(t, where) if t.dtype != "float32" else None
    imp.register(index, False, Tensor(t.name, (1, *t.shape), t.dtype, fmt))


def tflite_reducer(op_type: str, what: str):
    """The TFLite reader of a reduction over constant axes (MEAN, SUM)."""
    def read(imp, op) -> None:
        rank = len(imp.tflite(op.inputs[0]).shape)
        axes = sorted({int(a) % rank for a in imp.const_values(op, 1, "axes").reshape(-1)})
        keepdims = bool(option(op, "KeepDims", False))
        if 0 in axes:  # tf.reduce_mean(x) without axes: every axis, the batch of 1 included
            if axes == [0]:
                raise UnsupportedError(f"{imp.path}: {op.title}: a {what} over the batch axis "
                                       "alone is not supported")
            axes.remove(0)  # reducing the batch of 1 changes no value
            if not keepdims:
                _keep_batch(imp, op.outputs[0], op.title)
        imp.emit(op, op_type, op.inputs[:1], {"axes": tuple(axes), "keepdims": keepdims})
    return read


MEAN = register(OpDef(
    "mean", ("x",), {"axes": Attr("ints", required=True), "keepdims": Attr("bool", False)},
    _shape, doc="Mean over the given axes.",
    pattern="reduction", float_ref=_float, tflite=("MEAN",),
    from_tflite=tflite_reducer("mean", "mean"),
    keras=("GlobalAveragePooling1D", "GlobalAveragePooling2D")))
