"""The lowering step: after quantization, bring a graph down to the primitives a target
implements. One explicit list of rewrites, in order; each touches only ops the target has
no kernel for.

The simulator runs the unlowered graph, so every lowering is proved by the verification
ladder (generated code against the simulator, bit for bit).
"""

from __future__ import annotations

from collections.abc import Collection

from ..errors import UnsupportedError
from ..ir import Graph, Op, op_def, with_defaults
from ..ir.ops.movement import strided_walk
from .base import GraphPass, run_steps


class DataMovementToGather(GraphPass):
    """A pure data-movement op (an op definition with ``move``) becomes one ``gather``.

    Requires: a graph that passes ``verify_graph``.
    Rewrites: every op with a ``move`` function whose type is not among the target's
    primitives; its strided walk is computed offline from ``move`` on one sample's element
    indices. The output tensor keeps its name, shape and format.
    Guarantees: no such op is left; values are unchanged (the walk reads exactly the
    elements ``move`` moves, checked element by element when it is derived).
    """

    name = "data_movement_to_gather"

    def __init__(self, primitives: Collection[str]):
        self.primitives = frozenset(primitives)

    def run(self, graph: Graph) -> None:
        for at, op in enumerate(graph.ops):
            d = op_def(op.type)
            if d.move is None or op.type in self.primitives:
                continue
            x, out = graph.tensors[op.inputs[0]], graph.tensors[op.outputs[0]]
            walk = strided_walk(d.move, (1,) + tuple(x.shape[1:]),
                                with_defaults(op.type, op.attrs))
            if walk is None:
                raise UnsupportedError(f"{op.origin or op.type}: {op.type} of {list(x.shape)} "
                                       "is no strided walk of at most 6 axes, so this target "
                                       "cannot run it")
            graph.ops[at] = Op("gather", [x.name], list(op.outputs),
                               {"shape": tuple(out.shape), "offset": walk.offset,
                                "dims": walk.dims, "strides": walk.strides},
                               op.origin or op.type)


def lowerings(primitives: Collection[str]) -> tuple[tuple[str, GraphPass], ...]:
    """(step name, pass) in the order they run, for a target with these primitives."""
    return (("data_movement_to_gather", DataMovementToGather(primitives)),)


def lower(graph: Graph, primitives: Collection[str], *, verify: bool = True) -> Graph:
    """Quantized ``graph`` with only ``primitives`` (and the ops no rewrite touches) left: a
    copy, or ``graph`` itself when nothing needs lowering; the argument is not modified."""
    if all(op_def(op.type).move is None or op.type in primitives for op in graph.ops):
        return graph
    return run_steps(graph, lowerings(primitives), verify=verify, what="lowering step")
