"""ConstantFold: evaluate ops whose inputs are all constants."""

from __future__ import annotations

import numpy as np

from ..ir import Graph, Op, op_def
from .base import GraphPass, is_float_const


def evaluate_constant_op(graph: Graph, op: Op) -> np.ndarray | None:
    """The output of ``op`` computed from its constant inputs, or None if it cannot be."""
    out = graph.tensors[op.outputs[0]]
    d = op_def(op.type)
    if d.view:
        # the batch convention (dimension 0 is N) does not apply to constants
        return graph.tensors[op.inputs[0]].data.reshape(out.shape)
    kernel = d.float_ref
    if kernel is None:
        return None
    args = [None if n is None else graph.tensors[n].data for n in op.inputs]
    result = np.asarray(kernel(op, graph, args), dtype=np.float32)
    return result if result.shape == tuple(out.shape) else None


class ConstantFold(GraphPass):
    """Replace ops whose inputs are all float constants by the constant they compute.

    Requires: a graph that passes ``verify_graph``.
    Rewrites: a single-output op whose every present input is a float
    constant, whose output is float and no graph output, and that has a
    float reference kernel (its op definition's ``float_ref``); the output tensor keeps its
    name and becomes a constant. Ops in a chain fold one after another.
    Quantized tensors are never touched.
    Guarantees: no remaining op of that kind has only float-constant inputs;
    values are unchanged (they are the float reference's own results).
    """

    name = "constant_fold"

    def run(self, graph: Graph) -> None:
        for op in list(graph.ops):
            present = [n for n in op.inputs if n is not None]
            if (len(op.outputs) != 1 or not present or op.outputs[0] in graph.outputs
                    or not all(is_float_const(graph, n) for n in present)
                    or graph.tensors[op.outputs[0]].fmt is not None):
                continue
            value = evaluate_constant_op(graph, op)
            if value is None:
                continue
            out = graph.tensors[op.outputs[0]]
            out.data, out.dtype = np.ascontiguousarray(value, dtype=np.float32), "float32"
            graph.ops.remove(op)
