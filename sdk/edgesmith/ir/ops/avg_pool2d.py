"""avg_pool2d: average pooling; padded cells are not counted."""

from __future__ import annotations

import numpy as np

from .base import OpDef, register
from .reference import apply_activation, attrs_of, f32, taps
from .window import POOL_ATTRS, pool_shape, tflite_pool


def _float(op, graph, args):
    a = attrs_of(op)
    kh, kw = a["kernel"]
    x = f32(args[0])
    total = sum(view for _, _, view in taps(x, kh, kw, a, 0.0))
    # padded cells are not counted: divide by the number of real cells per window
    ones = np.ones((1, x.shape[1], x.shape[2], 1), np.float32)
    count = sum(view for _, _, view in taps(ones, kh, kw, a, 0.0))
    return apply_activation(total / count, a["activation"])


AVG_POOL2D = register(OpDef(
    "avg_pool2d", ("x",), dict(POOL_ATTRS), pool_shape,
    doc="Average pooling; padded cells are not counted.",
    pattern="window", quant="shares", fuses_activation=True, patch="window", float_ref=_float,
    tflite=("AVERAGE_POOL_2D",), from_tflite=lambda imp, op: tflite_pool(imp, op, "avg_pool2d"),
    keras=("AveragePooling1D", "AveragePooling2D")))
