"""tanh: the hyperbolic tangent, output in [-1, 1)."""

from __future__ import annotations

import numpy as np

from .base import OpDef, register
from .elementwise import tflite_unary
from .reference import unary

TANH = register(OpDef(
    "tanh", ("x",), doc="Hyperbolic tangent.",
    pattern="elementwise", quant="range", output_range=(-1.0, 1.0), inplace="elementwise",
    patch="pointwise", float_ref=unary(np.tanh), tflite=("TANH",),
    from_tflite=tflite_unary("tanh"), keras=("Activation(tanh)",)))
