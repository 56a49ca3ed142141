"""sum: the total over some axes, with or without keeping them (TFLite SUM)."""

from __future__ import annotations

import numpy as np

from .base import Attr, OpDef, register
from .mean import MEAN, tflite_reducer
from .reference import attrs_of, f32


def _float(op, graph, args):
    a = attrs_of(op)
    return np.sum(f32(args[0]), axis=tuple(a["axes"]), keepdims=a["keepdims"], dtype=np.float32)


SUM = register(OpDef(
    "sum", ("x",), {"axes": Attr("ints", required=True), "keepdims": Attr("bool", False)},
    MEAN.shape_fn, doc="Sum over the given axes.", pattern="reduction", float_ref=_float,
    tflite=("SUM",), from_tflite=tflite_reducer("sum", "sum")))
