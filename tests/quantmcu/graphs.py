"""Tiny graphs for the QuantMCU tests, built by hand with known weights where it matters."""

from __future__ import annotations

import numpy as np
from edgesmith.frontends.builder import GraphBuilder
from edgesmith.ir import Graph
from edgesmith.memory.patch import plan_patches
from edgesmith.quant.calibrate import calibrate
from edgesmith.quant.int8 import quantize_int8


def conv(b: GraphBuilder, x: str, w: np.ndarray, bias: np.ndarray | None = None, **attrs) -> str:
    bias = np.zeros(w.shape[0]) if bias is None else bias
    return b.op("conv2d", [x, b.const("w", w), b.const("b", bias)], attrs, name="conv2d")


def routing_graph() -> Graph:
    """8x8x1 -> conv 3x3 pads 1 (4 ch, relu) -> conv 1x1 (2 ch): with the split at op 1
    on a 2x2 grid, patch (i, j) reads input rows/cols [0, 5) or [3, 8)."""
    rng = np.random.default_rng(0)
    b = GraphBuilder("routing")
    x = b.input("x", (1, 8, 8, 1))
    y = conv(b, x, rng.normal(0, 0.5, (4, 3, 3, 1)), pads=(1, 1, 1, 1), activation="relu")
    return b.finish([conv(b, y, rng.normal(0, 0.5, (2, 1, 1, 4)))])


def binary_graph() -> Graph:
    """x -> conv 1x1 identity (A) -> conv 3x3 pads 1 to 8 channels, relu (B) -> conv 1x1 to 4.

    On binary inputs x and A take two values at any width, so their entropy is the
    same at 2 bits as at 8; B takes many values."""
    rng = np.random.default_rng(1)
    b = GraphBuilder("binary")
    x = b.input("x", (1, 8, 8, 1))
    a = conv(b, x, np.ones((1, 1, 1, 1)))
    y = conv(b, a, rng.normal(0, 0.5, (8, 3, 3, 1)), rng.normal(0, 0.1, 8), pads=(1, 1, 1, 1),
             activation="relu")
    return b.finish([conv(b, y, rng.normal(0, 0.5, (4, 1, 1, 8)))])


def binary_inputs(n: int, seed: int) -> np.ndarray:
    return np.random.default_rng(seed).integers(0, 2, (n, 8, 8, 1)).astype(np.float32)


def uniform_inputs(graph: Graph, n: int, seed: int) -> np.ndarray:
    shape = graph.tensors[graph.inputs[0]].shape[1:]
    return np.random.default_rng(seed).uniform(-1, 1, (n, *shape)).astype(np.float32)


def int8_and_plan(graph: Graph, calib: np.ndarray, split: int, grid: int):
    q = quantize_int8(graph, calibrate(graph, calib))
    return q, plan_patches(q, split, grid)
