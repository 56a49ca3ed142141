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
    is told each chunk's sample count (a progress bar). A stateful graph (LSTM) runs its
    samples in order through one instance, as the TFLite converter calibrates it
    (:func:`_calibrate_stream`).
    """
    from ..io.arrays import prepare_inputs
    from ..sim import simulate

    if graph.is_quantized():
        raise EdgesmithError("calibration needs a float graph; this one is already quantized")
    if graph.is_stateful:
        _check_stateful(graph)
    inputs = prepare_inputs(graph, data)
    n = next(iter(inputs.values())).shape[0]
    if n == 0:
        raise EdgesmithError("the calibration set is empty")
    if graph.is_stateful:
        return _calibrate_stream(graph, inputs, n, advance)
    ranges: dict[str, Range] = {}
    for start in range(0, n, chunk):
        batch = {k: v[start:start + chunk].astype(np.float32) for k, v in inputs.items()}
        values = simulate(graph, batch, keep_intermediates=True)
        values.update(batch)
        _record(graph, values, ranges)
        if advance is not None:
            advance(len(next(iter(batch.values()))))
    return ranges


def _record(graph: Graph, values: dict[str, np.ndarray], ranges: dict[str, Range]) -> None:
    """Merge the min and max of every non-constant tensor in ``values`` into ``ranges``."""
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


#: stateful ops post-training quantization takes (their state calibrated as a stream)
STATEFUL_PTQ_OPS = frozenset({"lstm"})


def _check_stateful(graph: Graph) -> None:
    kinds = sorted({op.type for op in graph.ops if any(
        n is not None and graph.tensors[n].variable for n in op.inputs)})
    if not set(kinds) <= STATEFUL_PTQ_OPS:
        raise UnsupportedError(f"model {graph.name!r} keeps state across invocations "
                               f"({', '.join(kinds)}); edgesmith quantizes the state of "
                               f"{', '.join(sorted(STATEFUL_PTQ_OPS))} only",
                               hint="convert it to full int8 with the TFLite converter and use "
                                    "that .tflite")


def _calibrate_stream(graph: Graph, inputs: dict[str, np.ndarray], n: int,
                      advance: Callable[[int], None] | None) -> dict[str, Range]:
    """A stateful graph calibrated as the TFLite converter's calibrator runs it: the samples
    one after the other through one instance, the state carried from each sample to the next
    (it resets the variable tensors once, before the first sample); a state tensor's range
    covers its values before and after each invocation (its initial 0 and the final state of
    every sample), not the steps inside one."""
    from ..sim.state import ModelInstance

    instance = ModelInstance(graph, 1)
    ranges: dict[str, Range] = {}
    _record(graph, instance.state, ranges)
    for k in range(n):
        sample = {name: v[k:k + 1].astype(np.float32) for name, v in inputs.items()}
        values = instance.run(sample, keep_intermediates=True)
        values.update(sample)
        values.update(instance.state)
        _record(graph, values, ranges)
        if advance is not None:
            advance(1)
    return ranges
