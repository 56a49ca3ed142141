"""pad: constant padding with real value 0 (the zero point when quantized)."""

from __future__ import annotations

import numpy as np

from .base import Attr, OpDef, register
from .reference import f32
from .tflite_read import paddings


def _shape(shapes, a):
    x, pads = shapes[0], a["pads"]
    if len(pads) != len(x):
        raise ValueError(f"pad needs {len(x)} (before, after) pairs, got {len(pads)}")
    return [tuple(d + p[0] + p[1] for d, p in zip(x, pads))]


def _float(op, graph, args):
    return np.pad(f32(args[0]), [tuple(p) for p in op.attrs["pads"]])


def _from_tflite(imp, op) -> None:
    imp.emit(op, "pad", op.inputs[:1], {"pads": paddings(imp, op)})


PAD = register(OpDef(
    "pad", ("x",), {"pads": Attr("pairs", required=True)}, _shape,
    doc="Constant padding with real value 0 (the zero point when quantized).",
    pattern="injective", quant="shares", patch="pad", float_ref=_float,
    tflite=("PAD",), from_tflite=_from_tflite, keras=("ZeroPadding2D",)))
