"""rsqrt: 1 / sqrt(x), elementwise (TFLite RSQRT)."""

from __future__ import annotations

import numpy as np

from .base import OpDef, register
from .elementwise import tflite_unary
from .reference import f32


def _float(op, graph, args):
    with np.errstate(divide="ignore", invalid="ignore"):  # x <= 0 gives inf / nan, as TF
        return (np.float32(1) / np.sqrt(f32(args[0]))).astype(np.float32)


RSQRT = register(OpDef(
    "rsqrt", ("x",), doc="1 / sqrt(x).", pattern="elementwise", inplace="elementwise",
    float_ref=_float, tflite=("RSQRT",), from_tflite=tflite_unary("rsqrt")))
