"""abs: the absolute value, elementwise (TFLite ABS)."""

from __future__ import annotations

import numpy as np

from .base import OpDef, register
from .elementwise import tflite_unary
from .reference import f32

ABS = register(OpDef(
    "abs", ("x",), {}, doc="|x|.", pattern="elementwise", inplace="elementwise",
    float_ref=lambda op, graph, args: np.abs(f32(args[0])), tflite=("ABS",),
    from_tflite=tflite_unary("abs")))
