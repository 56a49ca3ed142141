"""Pass tests compare the rewritten IR with a hand-written expected IR, and the float
reference before with after (the rewrite must not change what the graph computes)."""

from __future__ import annotations

import numpy as np
from edgesmith.frontends.builder import GraphBuilder
from edgesmith.ir import Graph, verify_graph
from edgesmith.passes import GraphPass

from tests.helpers.float_run import assert_same_outputs
from tests.helpers.graphs import assert_same_graph

RNG = np.random.default_rng(3)


def rand(*shape, low=None) -> np.ndarray:
    """Standard normal values; with ``low``, uniform in [low, low + 1] (e.g. variances)."""
    if low is not None:
        return RNG.uniform(low, low + 1, shape).astype(np.float32)
    return RNG.standard_normal(shape).astype(np.float32)


def samples(graph: Graph, n: int = 6) -> dict[str, np.ndarray]:
    return {name: RNG.standard_normal((n, *graph.tensors[name].shape[1:])).astype(np.float32) * 3
            for name in graph.inputs}


def check_rewrite(graph_pass: GraphPass, before: Graph, expected: Graph,
                  runnable_before: bool = True) -> Graph:
    """Run the pass on a copy; the result verifies, equals ``expected`` and computes the same.

    A graph with ops on constants only is not runnable (executors batch axis 0
    of every op); for those, ``runnable_before=False`` and the test checks the
    folded values in ``expected`` itself.
    """
    untouched = before.copy()
    after = graph_pass.apply(before)
    assert_same_graph(before, untouched)  # the argument is left as it was
    verify_graph(after)
    assert_same_graph(after, expected)
    if runnable_before:
        assert_same_outputs(before, after, samples(before))
    return after


def bn_params(b: GraphBuilder, channels: int, prefix: str = "bn") -> list[str]:
    """gamma, beta, mean, variance constants of a batch norm."""
    values = (rand(channels, low=0.5), rand(channels), rand(channels), rand(channels, low=0.2))
    return [b.const(f"{prefix}_{n}", v) for n, v in zip(("gamma", "beta", "mean", "var"), values)]


def const_data(graph: Graph, name: str) -> np.ndarray:
    return graph.tensors[name].data
