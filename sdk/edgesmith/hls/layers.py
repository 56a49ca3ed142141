"""One HLS layer per IR op: which es_hls kernel, and every number of its config struct.

A builder (registered per op type in :data:`LAYER_BUILDERS`, written in
:mod:`.layers_mac` and :mod:`.layers_misc`) turns an op of a fixed-point
graph into an :class:`HlsLayer`: the kernel to call, the config struct's
typedefs and constants, and the constant arrays (weights, biases, tables) as
raw integers. The templates print these; they compute nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from ..codegen.c_names import c_comment_text
from ..errors import UnsupportedError
from ..ir import FixedFormat, Graph, Op, with_defaults
from ..passes.lowering import lower
from .types import ACTIVATION_ENUM, int_literals


@dataclass
class ConstArray:
    """A constant array of the generated code (``static const <store> <name>[size]``)."""

    name: str
    store: str
    values: np.ndarray
    comment: str

    @property
    def size(self) -> int:
        return int(np.asarray(self.values).size)

    @property
    def literals(self) -> str:
        return int_literals(self.values)

    @property
    def comment_line(self) -> str:
        return c_comment_text(self.comment, limit=200)

    @property
    def bits(self) -> int:
        """Bits of storage: the width inside ``ap_int<W>`` times the size."""
        return int(self.store.split("<")[1].rstrip(">")) * self.size


@dataclass
class MacCost:
    """The multiplications of a MAC layer, for the resource estimate."""

    products: int  # per inference
    per_iteration: int  # products in one pipelined iteration (one pixel, or the whole dense)
    x_width: int
    w_width: int  # the weight operand's width; for pow2 the code width
    pow2: bool


@dataclass
class HlsLayer:
    op_index: int
    op: Op
    kernel: str  # es_hls function, without the _stream suffix
    base: str  # es_hls config struct the generated one derives from
    typedefs: list[tuple[str, str]] = field(default_factory=list)  # (name, C++ type)
    constants: list[tuple[str, str, object]] = field(default_factory=list)  # (C type, name, value)
    arrays: list[ConstArray] = field(default_factory=list)
    mac: MacCost | None = None
    #: times the pipelined body runs per inference (output pixels, or 1)
    iterations: int = 1
    reuse_factor: int = 1
    #: a reshape: the output is the input, no call
    alias: bool = False

    @property
    def name(self) -> str:
        return f"layer{self.op_index}"

    @property
    def config(self) -> str:
        return f"{self.name}_config"

    @property
    def comment(self) -> str:
        return c_comment_text(f"op {self.op_index}: {describe(self.op)}")

    def constant(self, name: str):
        return next(v for _, n, v in self.constants if n == name)


@dataclass
class LayerContext:
    """What a builder reads: the graph and the user's choices."""

    graph: Graph
    reuse_factor: int = 1

    def fmt(self, op: Op, name: str) -> FixedFormat:
        fmt = self.graph.tensors[name].fmt
        if not isinstance(fmt, FixedFormat):
            raise UnsupportedError(f"{describe(op)}: tensor {name!r} is not fixed-point; the HLS "
                                   "backend needs a fixed-point graph")
        return fmt

    def attrs(self, op: Op) -> dict:
        return with_defaults(op.type, op.attrs)

    def shape(self, name: str) -> tuple[int, ...]:
        return tuple(self.graph.tensors[name].shape)

    def size(self, name: str) -> int:
        """Elements of one sample."""
        return int(np.prod(self.shape(name)[1:], dtype=np.int64))

    def reuse_for(self, products: int) -> int:
        """The reuse factor, at most the products to share a multiplier between."""
        return max(1, min(self.reuse_factor, products)) if products else 1


def describe(op: Op) -> str:
    return f"{op.type}{' (' + op.origin + ')' if op.origin else ''}"


def activation_constant(activation: str) -> tuple[str, str, str]:
    return ("int", "activation", ACTIVATION_ENUM[activation])


LayerBuilder = Callable[[LayerContext, int, Op], HlsLayer]
LAYER_BUILDERS: dict[str, LayerBuilder] = {}


def builder(*op_types: str):
    def register(fn: LayerBuilder) -> LayerBuilder:
        for t in op_types:
            LAYER_BUILDERS[t] = fn
        return fn
    return register


def build_layers(graph: Graph, reuse_factor: int = 1) -> list[HlsLayer]:
    """Every op of a fixed-point graph as an HLS layer, in execution order."""
    from . import layers_cast, layers_mac, layers_misc, layers_move, layers_reduce  # noqa: F401

    graph = lower(graph, LAYER_BUILDERS)  # op indices and tensor names stay
    ctx = LayerContext(graph, reuse_factor)
    layers = []
    for i, op in enumerate(graph.ops):
        build = LAYER_BUILDERS.get(op.type)
        if build is None:
            raise UnsupportedError(f"op {i} {describe(op)} has no HLS kernel; supported: "
                                   f"{', '.join(sorted(LAYER_BUILDERS))}")
        layers.append(build(ctx, i, op))
    return layers
