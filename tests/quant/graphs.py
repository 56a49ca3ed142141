"""Tiny float graphs built by hand for the quantizer tests."""

from __future__ import annotations

import numpy as np

from edgesmith.ir import Graph, Op, Tensor


def dense(weights, bias=None, activation: str = "none", name: str = "dense") -> Graph:
    """x [1, K] -> fully_connected -> y [1, O], float."""
    w = np.asarray(weights, np.float32)
    g = Graph(name)
    g.add_tensor(Tensor("x", (1, w.shape[1]), "float32"))
    g.add_const("w", w)
    inputs = ["x", "w"]
    if bias is not None:
        inputs.append(g.add_const("b", np.asarray(bias, np.float32)).name)
    g.add_tensor(Tensor("y", (1, w.shape[0]), "float32"))
    g.add_op(Op("fully_connected", inputs, ["y"], {"activation": activation}, "test dense"))
    g.inputs, g.outputs = ["x"], ["y"]
    return g


def dense_pool_chain() -> Graph:
    """x [1, 4, 4, 2] -> conv2d (relu) -> max_pool2d -> reshape -> fully_connected -> y."""
    rng = np.random.default_rng(0)
    g = Graph("chain")
    g.add_tensor(Tensor("x", (1, 4, 4, 2), "float32"))
    g.add_const("cw", rng.normal(0, 0.5, (3, 3, 3, 2)).astype(np.float32))
    g.add_const("cb", rng.normal(0, 0.1, 3).astype(np.float32))
    g.add_tensor(Tensor("c", (1, 4, 4, 3), "float32"))
    g.add_op(Op("conv2d", ["x", "cw", "cb"], ["c"], {"pads": (1, 1, 1, 1), "activation": "relu"}))
    g.add_tensor(Tensor("p", (1, 2, 2, 3), "float32"))
    g.add_op(Op("max_pool2d", ["c"], ["p"], {"kernel": (2, 2), "stride": (2, 2)}))
    g.add_tensor(Tensor("r", (1, 12), "float32"))
    g.add_op(Op("reshape", ["p"], ["r"], {"shape": (1, 12)}))
    g.add_const("dw", rng.normal(0, 0.5, (4, 12)).astype(np.float32))
    g.add_tensor(Tensor("y", (1, 4), "float32"))
    g.add_op(Op("fully_connected", ["r", "dw"], ["y"], {}))
    g.inputs, g.outputs = ["x"], ["y"]
    return g
