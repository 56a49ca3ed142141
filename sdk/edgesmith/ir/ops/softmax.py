"""softmax: exp(beta * x) normalised over the last axis, output in [0, 1)."""

from __future__ import annotations

import numpy as np

from .base import Attr, OpDef, register
from .reference import attrs_of, f32
from .tflite_read import option


def _float(op, graph, args):
    z = f32(args[0]) * np.float32(attrs_of(op)["beta"])
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def _from_tflite(imp, op) -> None:
    imp.emit(op, "softmax", op.inputs[:1], {"beta": float(option(op, "Beta", 1.0))})


# never in place: a row is read twice (max, then sum) before it is written
SOFTMAX = register(OpDef(
    "softmax", ("x",), {"beta": Attr("float", 1.0)},
    doc="Softmax over the last axis of exp(beta * x).",
    pattern="reduction", quant="range", output_range=(0.0, 1.0), float_ref=_float,
    tflite=("SOFTMAX",), from_tflite=_from_tflite, keras=("Softmax", "Activation(softmax)")))
