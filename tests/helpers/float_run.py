"""Run a float graph through the simulator, and compare within a tolerance.

Float ops in :func:`edgesmith.sim.simulate` run the NumPy reference kernels
(``sim/float_ref.py``), so importer and pass tests check those kernels too.
"""

from __future__ import annotations

import numpy as np
from edgesmith.ir import Graph
from edgesmith.sim import simulate

#: float references are compared with a tolerance: max abs error <= REL_TOL * max(1, range)
REL_TOL = 1e-5


def run_float(graph: Graph, inputs) -> dict[str, np.ndarray]:
    """Graph outputs for ``inputs`` (one array, or a dict input name -> array), as float32."""
    if isinstance(inputs, dict):
        return simulate(graph, {k: np.asarray(v, np.float32) for k, v in inputs.items()})
    return simulate(graph, np.asarray(inputs, np.float32))


def assert_close(got: np.ndarray, expected: np.ndarray, rel: float = REL_TOL) -> None:
    """max |got - expected| <= rel * max(1, range of expected), with equal shapes."""
    got, expected = np.asarray(got), np.asarray(expected)
    assert got.shape == expected.shape, f"shape {got.shape} != expected {expected.shape}"
    scale = max(1.0, float(np.ptp(expected))) if expected.size else 1.0
    err = float(np.max(np.abs(got.astype(np.float64) - expected))) if expected.size else 0.0
    assert err <= rel * scale, f"max abs error {err:.3g} > {rel:g} * {scale:.3g}"


def assert_same_outputs(before: Graph, after: Graph, inputs, rel: float = REL_TOL) -> None:
    """Two graphs (e.g. before and after a pass) compute the same outputs on ``inputs``."""
    assert before.outputs == after.outputs
    want, got = run_float(before, inputs), run_float(after, inputs)
    for name in before.outputs:
        assert_close(got[name], want[name], rel)
