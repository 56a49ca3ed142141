"""max_pool2d: max pooling; padded cells never win."""

from __future__ import annotations

import numpy as np

from .base import OpDef, register
from .reference import apply_activation, attrs_of, f32, taps
from .window import POOL_ATTRS, pool_shape, tflite_pool


def _float(op, graph, args):
    a = attrs_of(op)
    kh, kw = a["kernel"]
    out = None
    for _, _, view in taps(f32(args[0]), kh, kw, a, -np.inf):
        out = view.copy() if out is None else np.maximum(out, view)
    return apply_activation(out, a["activation"])


MAX_POOL2D = register(OpDef(
    "max_pool2d", ("x",), dict(POOL_ATTRS), pool_shape, doc="Max pooling.",
    pattern="window", quant="shares", fuses_activation=True, patch="window", float_ref=_float,
    tflite=("MAX_POOL_2D",), from_tflite=lambda imp, op: tflite_pool(imp, op, "max_pool2d"),
    keras=("MaxPooling1D", "MaxPooling2D")))
