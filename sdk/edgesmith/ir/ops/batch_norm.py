"""batch_norm: inference batch normalization on the last axis (float graphs only)."""

from __future__ import annotations

import numpy as np

from .base import Attr, OpDef, register
from .reference import attrs_of, f32


def _float(op, graph, args):
    x, gamma, beta, mu, var = (f32(v) for v in args)
    inv = gamma / np.sqrt(var + np.float32(attrs_of(op)["epsilon"]))
    return (x - mu) * inv + beta


BATCH_NORM = register(OpDef(
    "batch_norm", ("x", "gamma", "beta", "mean", "variance"), {"epsilon": Attr("float", 1e-3)},
    doc="Inference batch normalization on the last axis (float graphs only; folded into the "
        "preceding op or lowered to mul+add).",
    pattern="broadcast", quant="none", float_ref=_float, keras=("BatchNormalization",)))
