"""Seeded random inputs for a graph, over the whole range of each input's type."""

from __future__ import annotations

import numpy as np

from ..ir import FixedFormat, Graph


def random_inputs(graph: Graph, samples: int, seed: int = 0) -> dict[str, np.ndarray]:
    """Seeded inputs, uniform over the full int8 range (or the real range that
    range covers, for a float input that a quantize op reads)."""
    rng = np.random.default_rng(seed)
    out = {}
    for name in graph.inputs:
        t = graph.tensors[name]
        shape = (samples,) + tuple(t.shape[1:])
        if t.dtype == "int8":
            out[name] = rng.integers(-128, 128, size=shape, dtype=np.int8)
        elif isinstance(t.fmt, FixedFormat):  # raw fixed-point values over the whole type
            out[name] = rng.integers(t.fmt.qmin, t.fmt.qmax + 1, size=shape).astype(t.dtype)
        else:
            lo, hi = _float_input_range(graph, name)
            out[name] = rng.uniform(lo, hi, size=shape).astype(t.dtype)
    return out


def _float_input_range(graph: Graph, name: str) -> tuple[float, float]:
    for op in graph.consumers(name):
        fmt = graph.tensors[op.outputs[0]].fmt
        if op.type == "quantize" and fmt is not None and not fmt.per_channel:
            scale, zp = fmt.scalar()
            return scale * (fmt.qmin - zp), scale * (fmt.qmax - zp)
    return -1.0, 1.0
