"""hard_swish: x * relu6(x + 3) / 6 (TFLite HARD_SWISH, MobileNetV3's activation)."""

from __future__ import annotations

import numpy as np

from .base import OpDef, register
from .elementwise import tflite_unary
from .reference import f32


def _float(op, graph, args):
    x = f32(args[0])
    return x * np.clip(x + np.float32(3), 0, 6) / np.float32(6)


HARD_SWISH = register(OpDef(
    "hard_swish", ("x",), doc="x * relu6(x + 3) / 6.", pattern="elementwise",
    inplace="elementwise", float_ref=_float, tflite=("HARD_SWISH",),
    from_tflite=tflite_unary("hard_swish"), keras=("Activation(hard_swish)",)))
