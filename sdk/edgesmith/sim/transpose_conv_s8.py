"""int8 transpose_conv in NumPy, exact: TFLite's reference integer kernel sums
(x + input_offset) * w in int32 over every input pixel and tap that reaches an output, adds
the bias and requantizes per output channel. Registered into ``INT_KERNELS`` by
:mod:`.int_kernels`."""

from __future__ import annotations

import numpy as np

from .. import _sim
from ..arith.params import compute_params
from ..ir import Graph, Op, with_defaults
from ..ir.ops.transpose_conv import scatter_sum


def transpose_conv(op: Op, graph: Graph, args: list) -> np.ndarray:
    p, a = compute_params(op, graph), with_defaults(op.type, op.attrs)
    x = np.asarray(args[0], np.int64) + p.input_offset
    acc = scatter_sum(x, np.asarray(args[1], np.int64), a, a["size"])
    if len(args) > 2 and args[2] is not None:
        acc = acc + np.asarray(args[2], np.int64)
    out = np.empty(acc.shape, np.int64)
    multipliers = np.broadcast_to(p.multiplier, acc.shape[-1:])
    shifts = np.broadcast_to(p.shift, acc.shape[-1:])
    for c in range(acc.shape[-1]):  # per output channel
        flat = np.ascontiguousarray(acc[..., c], dtype=np.int32).reshape(-1)
        out[..., c] = np.asarray(_sim.multiply_by_quantized_multiplier(
            flat, int(multipliers[c]), int(shifts[c]))).reshape(acc.shape[:-1])
    return np.clip(out + p.output_offset, p.act_min, p.act_max).astype(np.int8)


KERNELS = {"transpose_conv": transpose_conv}
