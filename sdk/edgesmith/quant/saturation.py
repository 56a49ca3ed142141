"""How many values saturated (or wrapped, or were clipped) per tensor on the calibration set.

The simulator has no counters, so this counts from the values before the
final quantization of each op:

* **fixed-point tensors**: every op quantizes its exact result once; running
  the same simulator kernel with the output type widened to 32 bits (same
  binary point, same rounding, SAT) gives that result rounded but not yet
  overflowed (a rounding carry included). A value outside the real type's
  range is one that SAT / SAT_ZERO / SAT_SYM saturated or WRAP wrapped; for
  SAT_SYM the most negative code counts too. The graph's inputs are counted
  from the float data the same way.
* **affine tensors** (int8, 4- and 2-bit): the float graph's value v of the
  tensor, round(v / scale) + zero_point, outside [qmin, qmax] was clipped.
  (Clamping by a fused activation is not counted: the float value is already
  clamped.)

A 32-bit tensor cannot be widened; its values at the range ends are counted.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np

from ..io.arrays import prepare_inputs
from ..ir import AffineFormat, FixedFormat, Graph, Tensor
from ..sim import simulate
from ..sim.fixed_kernels import FIXED_KERNELS

_CHUNK = 256


@dataclass
class OverflowCount:
    tensor: str
    op_index: int  # -1 for a graph input
    op_type: str
    kind: str  # "saturated", "wrapped" or "clipped"
    count: int
    total: int

    @property
    def fraction(self) -> float:
        return self.count / self.total if self.total else 0.0

    def to_json(self) -> dict:
        return {"tensor": self.tensor, "op_index": self.op_index, "op_type": self.op_type,
                "kind": self.kind, "count": self.count, "total": self.total,
                "fraction": self.fraction}


def widened(fmt: FixedFormat) -> FixedFormat | None:
    """``fmt`` with 32 bits at the same binary point and SAT, or None if already 32 bits wide."""
    extra = 32 - fmt.width - (0 if fmt.signed else 1)
    if extra <= 0:
        return None
    return replace(fmt, width=fmt.width + extra, integer_bits=fmt.integer_bits + extra,
                   signed=True, overflow="SAT")


def out_of_range(raw: np.ndarray, fmt: FixedFormat, wide: FixedFormat | None) -> int:
    """Values of the widened result that ``fmt`` cannot hold."""
    raw = np.asarray(raw, dtype=np.int64)
    if wide is None:  # nothing to widen: count the values pinned at the ends
        return int(np.count_nonzero((raw == fmt.qmin) | (raw == fmt.qmax)))
    lo = -fmt.qmax if fmt.overflow == "SAT_SYM" and fmt.signed and fmt.width > 1 else fmt.qmin
    return int(np.count_nonzero((raw < lo) | (raw > fmt.qmax)))


def _with_output(graph: Graph, name: str, fmt: FixedFormat) -> Graph:
    tensors = dict(graph.tensors)
    t = graph.tensors[name]
    tensors[name] = Tensor(name, t.shape, t.dtype, fmt, t.data)
    return Graph(graph.name, tensors, graph.ops, graph.inputs, graph.outputs, graph.meta)


def _fixed_counts(qgraph: Graph, batch: dict, values: dict, tally: dict) -> None:
    for name in qgraph.inputs:
        fmt = qgraph.tensors[name].fmt
        if isinstance(fmt, FixedFormat):
            wide = widened(fmt)
            raw = wide.quantize(batch[name]) if wide else fmt.quantize(batch[name])
            tally[(name, -1, "input")] += out_of_range(raw, fmt, wide)
    for i, op in enumerate(qgraph.ops):
        fmt = qgraph.tensors[op.outputs[0]].fmt
        if not isinstance(fmt, FixedFormat) or op.type in ("reshape", "quantize", "dequantize"):
            continue
        wide = widened(fmt)
        args = [None if n is None else qgraph.tensors[n].data if qgraph.tensors[n].is_const
                else values[n] for n in op.inputs]
        view = _with_output(qgraph, op.outputs[0], wide) if wide else qgraph
        raw = FIXED_KERNELS[op.type](op, view, args)
        tally[(op.outputs[0], i, op.type)] += out_of_range(raw, fmt, wide)


def _affine_counts(qgraph: Graph, float_values: dict, tally: dict) -> None:
    producers = {op.outputs[0]: (i, op.type) for i, op in enumerate(qgraph.ops)}
    for name, t in qgraph.tensors.items():
        if t.is_const or not isinstance(t.fmt, AffineFormat) or name not in float_values:
            continue
        scale, zero_point = t.fmt.scalar()
        q = np.round(float_values[name].astype(np.float64) / scale) + zero_point
        clipped = int(np.count_nonzero((q < t.fmt.qmin) | (q > t.fmt.qmax)))
        tally[(name, *producers.get(name, (-1, "input")))] += clipped


def count_overflows(qgraph: Graph, calib, float_graph: Graph | None = None,
                    advance: Callable[[int], None] | None = None) -> list[OverflowCount]:
    """Per activation tensor of ``qgraph``, the values that saturated, wrapped or were clipped
    on ``calib`` (float inputs, batch on axis 0); affine tensors need the ``float_graph``.
    Sorted, most first. ``advance(n)`` is told each chunk's sample count."""
    float_inputs = prepare_inputs(float_graph, calib) if float_graph is not None else None
    has_fixed = any(isinstance(t.fmt, FixedFormat) for t in qgraph.tensors.values())
    data = calib if isinstance(calib, dict) else {qgraph.inputs[0]: calib}
    data = {k: np.asarray(v, dtype=np.float32) for k, v in data.items()}
    n = next(iter(data.values())).shape[0]
    tally: dict = {}
    for name, t in qgraph.tensors.items():
        if not t.is_const and t.fmt is not None:
            producer = next(((i, op.type) for i, op in enumerate(qgraph.ops)
                             if name in op.outputs), (-1, "input"))
            tally[(name, *producer)] = 0
    for start in range(0, n, _CHUNK):
        batch = {k: v[start:start + _CHUNK] for k, v in data.items()}
        if has_fixed:
            values = simulate(qgraph, prepare_inputs(qgraph, batch), keep_intermediates=True)
            _fixed_counts(qgraph, batch, values, tally)
        if float_graph is not None:
            chunk = {k: v[start:start + _CHUNK] for k, v in float_inputs.items()}
            _affine_counts(qgraph, simulate(float_graph, chunk, keep_intermediates=True), tally)
        if advance is not None:
            advance(len(next(iter(batch.values()))))
    counts = []
    for (name, index, op_type), count in tally.items():
        fmt = qgraph.tensors[name].fmt
        kind = "clipped" if isinstance(fmt, AffineFormat) else \
            "wrapped" if fmt.overflow == "WRAP" else "saturated"
        total = n * qgraph.tensors[name].size
        counts.append(OverflowCount(name, index, op_type, kind, count, total))
    return sorted(counts, key=lambda c: (-c.count, c.op_index))
