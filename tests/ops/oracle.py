"""Run a written model through edgesmith and through LiteRT's reference kernels."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from edgesmith.frontends.tflite import load_tflite
from edgesmith.ir import verify_graph
from edgesmith.sim import simulate
from edgesmith.verify.litert import run_litert


def random_int8(rng: np.random.Generator, shape, *, extremes: bool = True) -> np.ndarray:
    """Uniform int8 values; with ``extremes`` the first sample is all -128 and
    the second all 127 (saturation and zero-point corner cases)."""
    x = rng.integers(-128, 128, size=shape, dtype=np.int8)
    if extremes and shape[0] >= 2:
        x[0], x[1] = -128, 127
    return x


def ours_and_theirs(model: bytes, inputs, tmp_path: Path, name: str = "op") -> tuple:
    """(simulator outputs, LiteRT outputs) for ``inputs`` (array or list of
    arrays in model input order, batched); both lists follow the model outputs."""
    path = tmp_path / f"{name}.tflite"
    path.write_bytes(model)
    graph = load_tflite(path)
    verify_graph(graph)
    batch = [inputs] if isinstance(inputs, np.ndarray) else list(inputs)
    ours = simulate(graph, dict(zip(graph.inputs, batch)))
    theirs = run_litert(path, batch).outputs
    return [ours[n] for n in graph.outputs], theirs


def assert_bit_exact(model: bytes, inputs, tmp_path: Path, name: str = "op") -> None:
    ours, theirs = ours_and_theirs(model, inputs, tmp_path, name)
    for mine, ref in zip(ours, theirs):
        assert mine.dtype == ref.dtype
        np.testing.assert_array_equal(mine.reshape(ref.shape), ref)
