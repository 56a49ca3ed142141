"""Calibration: the range of every activation tensor over user-supplied inputs."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ..errors import EdgesmithError, UnsupportedError
from ..ir import Graph


@dataclass
class Range:
    lo: float
    hi: float

    def merge(self, other: "Range") -> "Range":
        return Range(min(self.lo, other.lo), max(self.hi, other.hi))


def calibrate(graph: Graph, data, *, chunk: int = 256,
              advance: Callable[[int], None] | None = None) -> dict[str, Range]:
    """Min and max of every activation tensor of a float graph over ``data``.

    ``data`` is an array (single-input graphs) or a dict of arrays, batched on
    axis 0. The float reference runs ``chunk`` samples at a time so that
    large calibration sets do not hold every intermediate tensor at once; ``advance(n)``
    is told each chunk's sample count (a progress bar).
    """
    from ..io.arrays import prepare_inputs
    from ..sim import simulate

    if graph.is_quantized():
        raise EdgesmithError("calibration needs a float graph; this one is already quantized")
    if graph.is_stateful:
        kinds = sorted({op.type for op in graph.ops if any(
            n is not None and graph.tensors[n].variable for n in op.inputs)})
        raise UnsupportedError(f"model {graph.name!r} keeps state across invocations "
                               f"({', '.join(kinds)}); edgesmith does not quantize stateful "
                               "float models", hint="convert it to full int8 with the TFLite "
                                                    "converter and use that .tflite")
    inputs = prepare_inputs(graph, data)
    n = next(iter(inputs.values())).shape[0]
    if n == 0:
        raise EdgesmithError("the calibration set is empty")
    ranges: dict[str, Range] = {}
    for start in range(0, n, chunk):
        batch = {k: v[start:start + chunk].astype(np.float32) for k, v in inputs.items()}
        values = simulate(graph, batch, keep_intermediates=True)
        values.update(batch)
        for name, arr in values.items():
            t = graph.tensors.get(name)
            if t is None or t.is_const or arr.size == 0:
                continue
            r = Range(float(np.min(arr)), float(np.max(arr)))
            if not (np.isfinite(r.lo) and np.isfinite(r.hi)):  # float32 overflowed (or NaN)
                raise EdgesmithError(
                    f"calibration: tensor {name!r} takes non-finite values ({r.lo}, {r.hi}): "
                    "the float model overflows float32 on the calibration data",
                    hint="check the model's weights and the calibration inputs' scale")
            ranges[name] = ranges[name].merge(r) if name in ranges else r
        if advance is not None:
            advance(len(next(iter(batch.values()))))
    return ranges
