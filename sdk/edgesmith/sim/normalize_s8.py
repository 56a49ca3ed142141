"""int8 l2_normalization in NumPy, exact: TFLite's reference integer kernel, one row of the
last axis at a time (its inverse square root is the fixed-point Newton-Raphson of
:func:`edgesmith.arith.gemmlowp.inv_sqrt_multiplier_exp`). Registered into ``INT_KERNELS``
by :mod:`.int_kernels`."""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from .. import _sim
from ..arith import gemmlowp
from ..arith.params import compute_params
from ..ir import Graph, Op

OUTPUT_SHIFT = 7  # the output scale 1/128


@lru_cache(maxsize=4096)
def _inv_sqrt(sum_of_squares: int) -> tuple[int, int]:
    return gemmlowp.inv_sqrt_multiplier_exp(sum_of_squares, -1)


def l2_normalization(op: Op, graph: Graph, args: list) -> np.ndarray:
    p = compute_params(op, graph)
    x = np.asarray(args[0], np.int64) - p.input_zero_point
    rows = x.reshape(-1, x.shape[-1])
    sums = np.sum(rows * rows, axis=1)  # at most 255^2 per value: int32 up to 33k values
    out = np.empty(rows.shape, np.int8)
    for r, (row, total) in enumerate(zip(rows, sums)):
        multiplier, shift = _inv_sqrt(int(total))
        flat = np.ascontiguousarray(row, dtype=np.int32)
        scaled = _sim.multiply_by_quantized_multiplier(flat, multiplier, shift + OUTPUT_SHIFT)
        out[r] = np.clip(scaled, -128, 127)
    return out.reshape(x.shape)


KERNELS = {"l2_normalization": l2_normalization}
