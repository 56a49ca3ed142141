"""neg: -x, elementwise (TFLite NEG).

The TFLite converter keeps NEG in float inside an int8 model (DEQUANTIZE -> NEG ->
QUANTIZE) and TFLite Micro runs NEG on float32 only; the importer folds that chain into one
int8 neg (:mod:`edgesmith.frontends.tflite_float_island`), whose table is the chain's own
float arithmetic on each of the 256 codes (:mod:`edgesmith.arith.unary_tables`).
"""

from __future__ import annotations

import numpy as np

from .base import OpDef, register
from .elementwise import tflite_unary
from .reference import f32

NEG = register(OpDef(
    "neg", ("x",), {}, doc="-x.", pattern="elementwise", inplace="elementwise",
    float_ref=lambda op, graph, args: np.negative(f32(args[0])), tflite=("NEG",),
    from_tflite=tflite_unary("neg")))
