"""pad: constant padding with real value 0 (the zero point when quantized)."""

from __future__ import annotations

import numpy as np

from ...errors import ModelFormatError, UnsupportedError
from .base import Attr, OpDef, register
from .reference import f32


def _shape(shapes, a):
    x, pads = shapes[0], a["pads"]
    if len(pads) != len(x):
        raise ValueError(f"pad needs {len(x)} (before, after) pairs, got {len(pads)}")
    return [tuple(d + p[0] + p[1] for d, p in zip(x, pads))]


def _float(op, graph, args):
    return np.pad(f32(args[0]), [tuple(p) for p in op.attrs["pads"]])


def _from_tflite(imp, op) -> None:
    paddings = imp.const_values(op, 1, "paddings").astype(np.int64)
    if paddings.ndim != 2 or paddings.shape[1] != 2:
        raise ModelFormatError(f"{imp.path}: {op.title}: paddings of shape {paddings.shape}")
    if paddings[0].any():
        raise UnsupportedError(f"{imp.path}: {op.title}: padding the batch axis is not supported")
    imp.emit(op, "pad", op.inputs[:1], {"pads": tuple((int(a), int(b)) for a, b in paddings)})


PAD = register(OpDef(
    "pad", ("x",), {"pads": Attr("pairs", required=True)}, _shape,
    doc="Constant padding with real value 0 (the zero point when quantized).",
    pattern="injective", quant="shares", patch="pad", float_ref=_float,
    tflite=("PAD",), from_tflite=_from_tflite, keras=("ZeroPadding2D",)))
