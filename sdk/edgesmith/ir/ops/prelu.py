"""prelu: x where x >= 0, alpha * x elsewhere, with a constant alpha that broadcasts to x
(TFLite PRELU, Keras PReLU)."""

from __future__ import annotations

import numpy as np

from .base import OpDef, register
from .elementwise import binary_shape
from .reference import f32


def _float(op, graph, args):
    x = f32(args[0])
    return np.where(x >= 0, x, f32(args[1]) * x)


def _from_tflite(imp, op) -> None:
    imp.emit(op, "prelu", op.inputs[:2], {})


PRELU = register(OpDef(
    "prelu", ("x", "alpha"), {}, binary_shape, doc="x if x >= 0 else alpha * x (alpha broadcast).",
    pattern="broadcast", quantizes_constants=True, inplace="elementwise", float_ref=_float,
    tflite=("PRELU",),
    from_tflite=_from_tflite))
