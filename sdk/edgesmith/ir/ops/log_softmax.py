"""log_softmax: x - max - log(sum(exp(x - max))) over the last axis (TFLite LOG_SOFTMAX),
output in (-16, 0]: int8 has TFLite's fixed output format, scale 16/256 and zero point 127."""

from __future__ import annotations

import numpy as np

from .base import OpDef, register
from .elementwise import tflite_unary
from .reference import f32


def _float(op, graph, args):
    """As TFLite's float kernel: every step in float32."""
    x = f32(args[0])
    shifted = x - x.max(axis=-1, keepdims=True)
    total = np.sum(np.exp(shifted), axis=-1, keepdims=True, dtype=np.float32)
    return shifted - np.log(total)


# the range spans 256 steps of 1/16 up to 1/16, so that PTQ gives scale 16/256, zero point 127;
# never in place: a row is read twice (max and sum, then each value) before it is written
LOG_SOFTMAX = register(OpDef(
    "log_softmax", ("x",), doc="log(softmax(x)) over the last axis.",
    pattern="reduction", quant="range", output_range=(-255 / 16, 1 / 16), float_ref=_float,
    tflite=("LOG_SOFTMAX",), from_tflite=tflite_unary("log_softmax")))
