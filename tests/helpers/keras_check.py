"""Import a Keras model, canonicalise it, and compare the float reference with Keras."""

from __future__ import annotations

import numpy as np
import pytest
from edgesmith.errors import UnsupportedError
from edgesmith.frontends import load_keras
from edgesmith.frontends.keras import import_keras
from edgesmith.ir import Graph, verify_graph
from edgesmith.passes import run_pipeline

from tests.helpers.float_run import REL_TOL, assert_close, run_float


def keras_or_skip():
    """Keras imported as edgesmith imports it (OR-tools before TensorFlow), or skip the module."""
    try:
        return import_keras()
    except UnsupportedError:
        pytest.skip("needs Keras", allow_module_level=True)


def randomize(model, seed: int = 0):
    """Give biases and batch-norm statistics non-trivial values (Keras starts them at 0/1)."""
    rng = np.random.default_rng(seed)
    for layer in model.layers:
        values = []
        for w in layer.weights:
            shape, name = tuple(w.shape), w.name
            if name in ("gamma", "moving_variance"):
                values.append(rng.uniform(0.5, 2.0, shape))
            elif name in ("bias", "beta", "moving_mean"):
                values.append(rng.normal(0.0, 0.3, shape))
            else:
                values.append(np.asarray(w.numpy()))
        if values:
            layer.set_weights([v.astype(np.float32) for v in values])
    return model


def samples(shape, n: int = 8, seed: int = 1) -> np.ndarray:
    return np.random.default_rng(seed).standard_normal((n, *shape)).astype(np.float32)


def import_and_compare(model, x, source=None, weights=None, rel: float = REL_TOL) -> Graph:
    """``load_keras(source or model, weights)`` -> ``run_pipeline(verify=True)`` -> float
    reference, equal to ``model.predict`` within ``rel`` x max(1, output range).
    Returns the canonical graph.
    """
    graph = load_keras(model if source is None else source, weights)
    verify_graph(graph)
    assert all(t.fmt is None for t in graph.tensors.values()), "an import must be float"
    canonical = run_pipeline(graph, verify=True)
    expected = model.predict(x, verbose=0)
    expected = expected if isinstance(expected, (list, tuple)) else [expected]
    inputs = dict(zip(canonical.inputs, x)) if isinstance(x, (list, tuple)) else x
    got = run_float(canonical, inputs)
    assert len(canonical.outputs) == len(expected)
    for name, want in zip(canonical.outputs, expected):
        assert_close(got[name], want, rel)
    return canonical


def op_types(graph: Graph) -> list[str]:
    return [op.type for op in graph.ops]
