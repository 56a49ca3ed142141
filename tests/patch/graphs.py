"""Hand-built float graphs with random weights for patch tests, and their int8 versions.

Each graph is built with :class:`edgesmith.frontends.builder.GraphBuilder`
(shapes inferred by the op specs) and quantized by calibration on random
inputs, so the int8 graphs carry realistic per-channel formats.
"""

from __future__ import annotations

import numpy as np
from edgesmith.frontends.builder import GraphBuilder
from edgesmith.ir import Graph
from edgesmith.quant import quantize_graph

from tests.helpers.paths import SHARED_MODELS  # noqa: F401  (re-exported for the patch tests)


class RandomGraph:
    """A GraphBuilder whose conv and depthwise weights are drawn at random."""

    def __init__(self, name: str, shape: tuple[int, ...], seed: int = 0):
        self.builder = GraphBuilder(name)
        self.rng = np.random.default_rng(seed)
        self.x = self.builder.input("x", (1, *shape))

    def channels(self, t: str) -> int:
        return self.builder.shape(t)[-1]

    def conv(self, x: str, out: int, k: int | tuple[int, int] = 1, **attrs) -> str:
        kh, kw = (k, k) if isinstance(k, int) else k
        w = self.rng.normal(0, 0.5, (out, kh, kw, self.channels(x)))
        return self._weighted("conv2d", x, w, out, attrs)

    def depthwise(self, x: str, k: int = 3, multiplier: int = 1, **attrs) -> str:
        out = self.channels(x) * multiplier
        w = self.rng.normal(0, 0.5, (1, k, k, out))
        return self._weighted("depthwise_conv2d", x, w, out,
                              {"depth_multiplier": multiplier, **attrs})

    def _weighted(self, op_type: str, x: str, w: np.ndarray, out: int, attrs: dict) -> str:
        b = self.builder
        names = [x, b.const(f"{op_type}_w", w), b.const(f"{op_type}_b", self.rng.normal(0, 0.1, out))]
        return b.op(op_type, names, attrs, name=op_type)

    def op(self, op_type: str, *inputs: str, **attrs) -> str:
        return self.builder.op(op_type, list(inputs), attrs, name=op_type)

    def const(self, data) -> str:
        return self.builder.const("c", np.asarray(data, np.float32))

    def finish(self, *outputs: str) -> Graph:
        return self.builder.finish(list(outputs))


def quantized(graph: Graph, seed: int = 1, samples: int = 16) -> Graph:
    shape = graph.tensors[graph.inputs[0]].shape[1:]
    calib = np.random.default_rng(seed).uniform(-1, 1, (samples, *shape)).astype(np.float32)
    return quantize_graph(graph, calib)


def random_input(graph: Graph, n: int = 3, seed: int = 2) -> np.ndarray:
    t = graph.tensors[graph.inputs[0]]
    rng = np.random.default_rng(seed)
    if t.dtype == "float32":
        return rng.uniform(-1, 1, (n, *t.shape[1:])).astype(np.float32)
    return rng.integers(-128, 128, (n, *t.shape[1:]), dtype=np.int8)


def chain_graph() -> Graph:
    """The hand-checked chain: 8x8x2 input -> conv 3x3 s1 pads 1 (8 ch) -> depthwise 3x3 s2
    pads (0,1,0,1) -> conv 1x1 (8 ch); every tensor 8x8 / 8x8 / 4x4 / 4x4."""
    g = RandomGraph("chain", (8, 8, 2))
    y = g.conv(g.x, 8, 3, pads=(1, 1, 1, 1), activation="relu")
    y = g.depthwise(y, 3, stride=(2, 2), pads=(0, 1, 0, 1), activation="relu6")
    return g.finish(g.conv(y, 8, 1))


def residual_graph(shape=(4, 4, 4)) -> Graph:
    """x -> 1x1 conv a -> depthwise 3x3 pads 1 -> 1x1 conv c -> add(a, c) -> 1x1 conv."""
    g = RandomGraph("residual", shape, seed=3)
    a = g.conv(g.x, 4, 1, activation="relu")
    c = g.conv(g.depthwise(a, 3, pads=(1, 1, 1, 1), activation="relu6"), 4, 1)
    d = g.op("add", a, c)
    return g.finish(g.conv(d, 6, 1))
