"""Testbench data: raw integers of fixed-point tensors, one sample per line.

A line holds every value of one sample: the graph's inputs (or outputs) in
order, each flattened in NHWC order, as decimal integers (the stored bits of
each ``ap_fixed`` value). The generated testbench reads the same layout.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ..ir import FixedFormat, Graph


def random_fixed_inputs(graph: Graph, samples: int, seed: int = 0) -> dict[str, np.ndarray]:
    """Seeded raw inputs: even samples uniform over the whole raw range (extremes,
    wrap-around and saturation), odd ones a standard normal quantized (typical
    values, where rounding ties and small sums happen)."""
    rng = np.random.default_rng(seed)
    batch = {}
    for name in graph.inputs:
        t = graph.tensors[name]
        fmt = t.fmt
        if not isinstance(fmt, FixedFormat):
            raise TypeError(f"input {name!r} is not fixed-point")
        shape = (samples,) + tuple(t.shape[1:])
        uniform = rng.integers(fmt.qmin, fmt.qmax + 1, size=shape, dtype=np.int64)
        lo, hi = fmt.dequantize(np.array([fmt.qmin, fmt.qmax]))
        normal = fmt.quantize(np.clip(rng.standard_normal(shape), lo, hi))
        odd = (np.arange(samples) % 2 == 1).reshape((-1,) + (1,) * (len(shape) - 1))
        batch[name] = np.where(odd, normal, uniform).astype(np.int32)
    return batch


def sample_rows(arrays: list[np.ndarray]) -> np.ndarray:
    """Arrays batched on axis 0 -> one int64 row per sample, all values concatenated."""
    count = arrays[0].shape[0]
    return np.concatenate([np.asarray(a, np.int64).reshape(count, -1) for a in arrays], axis=1)


def write_raw(path: Path, arrays: list[np.ndarray]) -> None:
    rows = sample_rows(arrays)
    np.savetxt(path, rows, fmt="%d", delimiter=" ")


def read_raw(path: Path, sizes: list[int]) -> list[np.ndarray]:
    """The arrays of a raw file, one [samples, size] array per tensor."""
    text = Path(path).read_text().split()
    values = np.array(text, dtype=np.int64) if text else np.zeros(0, np.int64)
    total = sum(sizes)
    rows = values.reshape(-1, total)
    return np.split(rows, np.cumsum(sizes)[:-1], axis=1)
