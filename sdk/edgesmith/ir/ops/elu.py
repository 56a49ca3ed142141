"""elu: x where x >= 0, exp(x) - 1 elsewhere (TFLite ELU; alpha is 1)."""

from __future__ import annotations

import numpy as np

from .base import OpDef, register
from .elementwise import tflite_unary
from .reference import f32


def _float(op, graph, args):
    x = f32(args[0])
    return np.where(x < 0, np.expm1(np.minimum(x, 0)), x).astype(np.float32)


ELU = register(OpDef(
    "elu", ("x",), doc="x if x >= 0 else exp(x) - 1.", pattern="elementwise",
    inplace="elementwise", float_ref=_float, tflite=("ELU",),
    from_tflite=tflite_unary("elu"), keras=("ELU", "Activation(elu)")))
