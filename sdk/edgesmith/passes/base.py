"""What every graph pass shares: the base class and the small rewrites passes reuse.

A pass rewrites a graph in place through :meth:`GraphPass.run`;
:meth:`GraphPass.apply` runs it on a copy. The helpers keep graph-output names
stable: when an op is removed, the tensor that survives takes the name of a
graph output if one is involved, so callers still find their outputs.
"""

from __future__ import annotations

from ..errors import InvalidGraphError
from ..ir import Graph, Op, verify_graph


class GraphPass:
    """A rewrite of a graph. Subclasses state what they require and guarantee."""

    name = "pass"

    def run(self, graph: Graph) -> None:
        """Rewrite ``graph`` in place."""
        raise NotImplementedError

    def apply(self, graph: Graph) -> Graph:
        """A rewritten copy of ``graph``; the argument is left untouched."""
        out = graph.copy()
        self.run(out)
        out.remove_unused_tensors()
        return out


def run_steps(graph: Graph, steps, *, verify: bool, what: str = "pass") -> Graph:
    """A copy of ``graph`` rewritten by every ``(name, pass)`` of ``steps`` in order; with
    ``verify``, :func:`verify_graph` after every step, naming the step that broke it."""
    out = graph.copy()
    for step, graph_pass in steps:
        graph_pass.run(out)
        out.remove_unused_tensors()
        if verify:
            try:
                verify_graph(out)
            except InvalidGraphError as exc:
                raise InvalidGraphError(f"after {what} {step!r}: {exc}") from None
    return out


def is_float(graph: Graph, name: str | None) -> bool:
    return name is None or (graph.tensors[name].fmt is None
                            and graph.tensors[name].dtype == "float32")


def is_float_const(graph: Graph, name: str | None) -> bool:
    return name is not None and graph.tensors[name].is_const and is_float(graph, name)


def sole_consumer(graph: Graph, name: str) -> Op | None:
    """The op reading ``name`` if it is the only reader and ``name`` is no graph output."""
    if name in graph.outputs:
        return None
    readers = graph.consumers(name)
    return readers[0] if len(readers) == 1 and readers[0].inputs.count(name) == 1 else None


def producer_through_reshapes(graph: Graph, name: str, keep_last_dim: bool) -> Op | None:
    """The first non-reshape op upstream of ``name``, walking through reshapes.

    Every tensor on the way must have one reader (so rewriting the producer
    changes nothing else). With ``keep_last_dim`` each reshape must keep the
    size of the last axis, so that channel ``c`` stays channel ``c``.
    """
    op = graph.producer(name)
    while op is not None and op.type == "reshape":
        src = op.inputs[0]
        if sole_consumer(graph, src) is not op:
            return None
        if keep_last_dim and graph.tensors[src].shape[-1] != graph.tensors[name].shape[-1]:
            return None
        op = graph.producer(src)
    if op is not None and any(sole_consumer(graph, out) is None for out in op.outputs):
        return None
    return op


def bypass(graph: Graph, op: Op) -> bool:
    """Remove ``op``, whose output equals its first input; False if it must stay.

    Readers of the output read the input instead. When the output is a graph
    output, the input's producer writes the output name directly instead.
    """
    src, dst = op.inputs[0], op.outputs[0]
    if dst not in graph.outputs:
        graph.ops.remove(op)
        graph.rename_tensor_uses(dst, src)
        return True
    producer = graph.producer(src)
    if producer is None or src in graph.outputs:
        return False  # a graph input or constant cannot be renamed
    graph.ops.remove(op)
    producer.outputs = [dst if n == src else n for n in producer.outputs]
    graph.rename_tensor_uses(src, dst)
    return True
