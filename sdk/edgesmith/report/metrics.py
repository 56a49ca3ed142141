"""Cost measures of a graph: MACs, BitOPs, weight bytes (see FORMATS.md, cost measures)."""

from __future__ import annotations

from dataclasses import dataclass

from ..ir import Graph, Op, describe_format
from ..ir.ops import op_def_or_opaque


def _size(shape) -> int:
    n = 1
    for d in shape:
        n *= int(d)
    return n


def op_macs(graph: Graph, op: Op) -> int:
    """Multiply-accumulates of one inference (batch 1) of a MAC op: every output element
    sums the weights of its output channel (the weights' ``weight_axis``)."""
    d = op_def_or_opaque(op.type)  # memory graphs hold pseudo ops (tile copies)
    if d.macs is not None:
        return int(d.macs(graph, op))
    if not d.is_mac:
        return 0
    w = graph.tensors[op.inputs[1]].shape
    per_output = _size(w) // int(w[d.weight_axis]) if w[d.weight_axis] else 0
    return _size(graph.tensors[op.outputs[0]].shape[1:]) * per_output


def _bits(graph: Graph, name: str | None) -> int:
    t = graph.tensors[name]
    return 32 if t.fmt is None else t.fmt.bits


def op_bitops(graph: Graph, op: Op) -> int:
    """MACs x weight bits x activation (input) bits; floats count as 32 bits."""
    macs = op_macs(graph, op)
    if not macs:
        return 0
    return macs * _bits(graph, op.inputs[1]) * _bits(graph, op.inputs[0])


@dataclass(frozen=True)
class OpRow:
    index: int
    type: str
    output: str
    shape: tuple[int, ...]
    fmt: str
    macs: int
    weight_bytes: int
    origin: str


def op_rows(graph: Graph) -> list[OpRow]:
    rows = []
    for i, op in enumerate(graph.ops):
        out = graph.tensors[op.outputs[0]]
        wbytes = sum(graph.tensors[n].nbytes for n in op.inputs
                     if n is not None and graph.tensors[n].is_const)
        rows.append(OpRow(i, op.type, out.name, tuple(out.shape), describe_format(out.fmt),
                          op_macs(graph, op), wbytes, op.origin))
    return rows


def weight_bytes(graph: Graph) -> int:
    return sum(t.nbytes for t in graph.const_tensors())


def total_macs(graph: Graph) -> int:
    return sum(op_macs(graph, op) for op in graph.ops)


def total_bitops(graph: Graph) -> int:
    return sum(op_bitops(graph, op) for op in graph.ops)
