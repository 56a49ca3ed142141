"""Hypothesis strategies and fixed corner cases for int8 op tests."""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

#: every op test against LiteRT writes its model into one temporary directory
op_settings = settings(max_examples=100, deadline=None,
                       suppress_health_check=[HealthCheck.function_scoped_fixture])

#: scales stored as float32, as in a .tflite file
scales = st.floats(1e-3, 2.0).map(lambda s: float(np.float32(s)))
zero_points = st.one_of(st.integers(-128, 127), st.sampled_from([-128, -1, 0, 127]))
activations = st.sampled_from([0, 1, 2, 3])  # NONE, RELU, RELU_N1_TO_1, RELU6

#: (zero point, scale) pairs at the edges of the int8 range
EDGE_FORMATS = [(-128, 0.02), (127, 0.02), (0, 1.0), (-1, 0.003921569)]


def weights(rng: np.random.Generator, shape) -> np.ndarray:
    """Symmetric int8 weights including the extremes +/-127."""
    w = rng.integers(-127, 128, size=shape, dtype=np.int8)
    flat = w.reshape(-1)
    flat[:2] = [-127, 127][:flat.size]
    return w


def channel_scales(rng: np.random.Generator, n: int, low: float = 1e-3,
                   high: float = 5e-2) -> list[float]:
    return [float(np.float32(s)) for s in rng.uniform(low, high, size=n)]
