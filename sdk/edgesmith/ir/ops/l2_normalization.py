"""l2_normalization: x / ||x|| over the last axis (TFLite L2_NORMALIZATION), output in
[-1, 1]."""

from __future__ import annotations

import numpy as np

from ...errors import UnsupportedError
from .base import OpDef, register
from .reference import f32
from .tflite_read import fused_activation


def _float(op, graph, args):
    x = f32(args[0])
    squares = np.sum(x * x, axis=-1, keepdims=True, dtype=np.float32)
    return x / np.sqrt(np.maximum(squares, np.float32(1e-6)))  # TFLite's float epsilon


def _from_tflite(imp, op) -> None:
    if fused_activation(imp, op) != "none":
        raise UnsupportedError(f"{imp.path}: {op.title}: a fused activation after "
                               "L2_NORMALIZATION is not supported")
    imp.emit(op, "l2_normalization", op.inputs[:1], {})


# never in place: a row is read twice (its norm, then each value) before it is written
L2_NORMALIZATION = register(OpDef(
    "l2_normalization", ("x",), doc="x divided by its L2 norm over the last axis.",
    pattern="reduction", quant="range", output_range=(-1.0, 1.0), float_ref=_float,
    tflite=("L2_NORMALIZATION",), from_tflite=_from_tflite))
