"""int8 l2_normalization and batch_matmul in NumPy, exact. l2_normalization is TFLite's
reference integer kernel, one row of the last axis at a time (its inverse square root is
the fixed-point Newton-Raphson of :func:`edgesmith.arith.gemmlowp.inv_sqrt_multiplier_exp`);
batch_matmul sums exact products in int64. Registered into ``INT_KERNELS`` by
:mod:`.int_kernels`."""

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


def batch_matmul(op: Op, graph: Graph, args: list) -> np.ndarray:
    """Exact int64 products of the offset operands, one requantization per output."""
    from ..ir.ops.batch_matmul import matrices
    from ..ir import with_defaults

    p = compute_params(op, graph)
    a = np.asarray(args[0], np.int64) + p.a_offset
    b = np.asarray(args[1], np.int64) + p.b_offset
    acc = np.matmul(*matrices(a, b, with_defaults(op.type, op.attrs)))
    flat = np.ascontiguousarray(acc, dtype=np.int32).reshape(-1)  # |acc| < 2^31 for K < 33026
    out = np.asarray(_sim.multiply_by_quantized_multiplier(flat, p.multiplier, p.shift),
                     np.int64) + p.output_offset
    return np.clip(out, -128, 127).astype(np.int8).reshape(acc.shape)


KERNELS = {"l2_normalization": l2_normalization, "batch_matmul": batch_matmul}
