"""logistic: the sigmoid 1 / (1 + exp(-x)), output in [0, 1)."""

from __future__ import annotations

import numpy as np

from .base import OpDef, register
from .elementwise import tflite_unary
from .reference import f32


def _float(op, graph, args):
    x = f32(args[0])
    with np.errstate(over="ignore"):  # exp overflow to inf gives the correct limit 0
        return (np.float32(1) / (np.float32(1) + np.exp(-x))).astype(np.float32)


LOGISTIC = register(OpDef(
    "logistic", ("x",), doc="Sigmoid 1 / (1 + exp(-x)).",
    pattern="elementwise", quant="range", output_range=(0.0, 1.0), inplace="elementwise",
    patch="pointwise", float_ref=_float, tflite=("LOGISTIC",),
    from_tflite=tflite_unary("logistic"), keras=("Activation(sigmoid)",)))
