"""leaky_relu: x where x >= 0, alpha * x elsewhere (TFLite LEAKY_RELU)."""

from __future__ import annotations

import numpy as np

from .base import Attr, OpDef, register
from .reference import attrs_of, f32
from .tflite_read import option


def _float(op, graph, args):
    x = f32(args[0])
    return np.where(x >= 0, x, np.float32(attrs_of(op)["alpha"]) * x)


def _from_tflite(imp, op) -> None:
    # the option is float32; float() keeps its exact value
    imp.emit(op, "leaky_relu", op.inputs[:1], {"alpha": float(option(op, "Alpha", 0.0))})


LEAKY_RELU = register(OpDef(
    "leaky_relu", ("x",), {"alpha": Attr("float", 0.2)}, doc="x if x >= 0 else alpha * x.",
    pattern="elementwise", inplace="elementwise", float_ref=_float, tflite=("LEAKY_RELU",),
    from_tflite=_from_tflite))
