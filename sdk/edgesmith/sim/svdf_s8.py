"""The integer svdf kernel of the simulator in NumPy (TFLite Micro's reference arithmetic:
int32 accumulators, each requantization through the C++ primitive
``_sim.multiply_by_quantized_multiplier``). It updates the state array in place.

The newest state value is clamped to the state type *before* the state's zero point is
added, and the sum is narrowed into the state type with wrap-around: that is what the
TFLite Micro this project runs as its oracle does (``EvalIntegerSvdfReference``; measured on
int8 state with a non-zero zero point, where adding it before the clamp differs on 39 of
200 samples). Upstream later moved the addition before the clamp; int16 state, whose zero
point is 0, is the same either way."""

from __future__ import annotations

import numpy as np

from ..arith.params_svdf import svdf_params
from ..ir import Graph, Op
from ..ir.ops.svdf import shift_state, svdf_dims
from .elementwise_s8 import _requant


def _wrap32(x: np.ndarray) -> np.ndarray:
    """int32 two's-complement wrap of an int64 accumulator (the C kernel's int32 sums)."""
    return x.astype(np.int32).astype(np.int64)


def svdf(op: Op, graph: Graph, args: list) -> np.ndarray:
    p = svdf_params(op, graph)
    x, wf, wt, bias, state = args
    _, filters, memory, units = svdf_dims(graph, op)
    batch = x.shape[0]
    info = np.iinfo(state.dtype)
    s = shift_state(state, filters, memory)
    feature = _wrap32((x.astype(np.int64) + p.input_offset) @ wf.astype(np.int64).T)
    newest = np.clip(_requant(feature, p.feature_multiplier, p.feature_shift),
                     info.min, info.max) + p.state_zero_point
    s[:, :, -1] = newest.astype(state.dtype)  # wraps, as the C assignment narrows
    per_filter = _wrap32(((s.astype(np.int64) - p.state_zero_point)
                          * wt.astype(np.int64)).sum(axis=2))
    acc = per_filter.reshape(batch, units, -1).sum(axis=2)
    if bias is not None:
        acc = acc + bias.astype(np.int64)
    out = _requant(_wrap32(acc), p.time_multiplier, p.time_shift) + p.output_offset
    return np.clip(out, -128, 127).astype(np.int8)


KERNELS = {"svdf": svdf}
