"""Kernels of the 16x8 ops (int16 activations, int8 weights, int64 bias) in NumPy, exact:
64-bit accumulators and TFLite's 64-bit requantization (``arith.params_int16``)."""

from __future__ import annotations

import numpy as np

from ..arith.params_int16 import fully_connected_16, multiply_by_quantized_multiplier_64
from ..ir import Graph, Op


def fully_connected(op: Op, graph: Graph, args: list) -> np.ndarray:
    p = fully_connected_16(op, graph)
    x = np.asarray(args[0], np.int64).reshape(args[0].shape[0], -1)
    acc = x @ (np.asarray(args[1], np.int64) + p.weights_offset).T
    if len(args) > 2 and args[2] is not None:
        acc = acc + np.asarray(args[2], np.int64)
    out = multiply_by_quantized_multiplier_64(acc, p.multiplier, p.shift)
    return np.clip(out, p.act_min, p.act_max).astype(np.int16)


INT16_KERNELS = {"fully_connected": fully_connected}
