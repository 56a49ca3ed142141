"""RemoveIdentity: drop ops that pass their input through unchanged."""

from __future__ import annotations

import numpy as np

from ..ir import Graph, Op
from .base import GraphPass, bypass


def _const_is(graph: Graph, name: str | None, value: float) -> bool:
    t = graph.tensors.get(name) if name else None
    return (t is not None and t.is_const and t.fmt is None
            and bool(np.all(t.data == value)))


def is_identity(graph: Graph, op: Op) -> bool:
    """True when ``op``'s single output always equals its first input."""
    if len(op.outputs) != 1 or not op.inputs or op.inputs[0] is None:
        return False
    src, dst = graph.tensors[op.inputs[0]], graph.tensors[op.outputs[0]]
    if src.is_const or src.shape != dst.shape or src.dtype != dst.dtype or src.fmt != dst.fmt:
        return False
    if op.attrs.get("activation", "none") != "none":
        return False
    if op.type == "reshape":
        return True
    if op.type == "pad":
        return all(tuple(p) == (0, 0) for p in op.attrs["pads"])
    if op.type == "concat":
        return len(op.inputs) == 1
    if op.type in ("avg_pool2d", "max_pool2d"):
        return (tuple(op.attrs["kernel"]) == (1, 1)
                and tuple(op.attrs.get("stride", (1, 1))) == (1, 1)
                and not any(op.attrs.get("pads", (0, 0, 0, 0))))
    if op.type == "add":
        return _const_is(graph, op.inputs[1], 0.0)
    if op.type == "mul":
        return _const_is(graph, op.inputs[1], 1.0)
    return False


def merge_reshape_chain(graph: Graph, op: Op) -> bool:
    """Make a reshape of a reshape read the first reshape's input; drop the first if unread."""
    first = graph.producer(op.inputs[0])
    if op.type != "reshape" or first is None or first.type != "reshape":
        return False
    if graph.tensors[first.inputs[0]].fmt != graph.tensors[op.outputs[0]].fmt:
        return False
    middle = op.inputs[0]
    op.inputs = [first.inputs[0]]
    if not graph.consumers(middle) and middle not in graph.outputs:
        graph.ops.remove(first)
    return True


class RemoveIdentity(GraphPass):
    """Remove no-op ops and collapse chains of reshapes.

    Requires: a graph that passes ``verify_graph``.
    Rewrites: a reshape reading another reshape reads that reshape's input
    (the first one is dropped once nobody reads it); then every op whose
    output equals its input is removed: reshape to the same shape, all-zero
    pad, single-input concat, 1x1 stride-1 unpadded pooling, ``add`` of a
    constant 0 and ``mul`` by a constant 1 (no fused activation, no
    broadcasting, same format in and out).
    Guarantees: no such op remains; graph output names are unchanged (an
    identity whose input is a graph input and output a graph output stays);
    values are unchanged.
    """

    name = "remove_identity"

    def run(self, graph: Graph) -> None:
        for op in list(graph.ops):
            if op in graph.ops and op.type == "reshape":
                merge_reshape_chain(graph, op)
        for op in list(graph.ops):
            if is_identity(graph, op):
                bypass(graph, op)
