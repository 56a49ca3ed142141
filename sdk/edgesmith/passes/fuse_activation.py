"""FuseActivation: a clamping activation becomes the ``activation`` attr of its producer."""

from __future__ import annotations

from ..ir import Graph, op_def
from .base import GraphPass, bypass, is_float, producer_through_reshapes


class FuseActivation(GraphPass):
    """Fold a standalone activation (an op definition with ``activation`` set: ``relu``,
    ``relu6``, ``relu_n1_to_1``) into the op that produces its input.

    Requires: a graph that passes ``verify_graph``.
    Rewrites: an activation op whose input comes from an op that ``fuses_activation``
    with ``activation == "none"``, possibly through reshapes (an elementwise
    clamp commutes with a reshape), where every tensor in between has that
    single reader and is no graph output. Only float tensors are touched: in
    a quantized graph a separate activation may carry its own format, so
    fusing it would change the rounding.
    Guarantees: the producer carries the activation; the activation op is
    gone; graph output names are unchanged; values are unchanged.
    """

    name = "fuse_activation"

    def run(self, graph: Graph) -> None:
        for act in [op for op in graph.ops if op_def(op.type).activation]:
            src = act.inputs[0]
            if not (is_float(graph, src) and is_float(graph, act.outputs[0])):
                continue
            producer = producer_through_reshapes(graph, src, keep_last_dim=False)
            if (producer is None or not op_def(producer.type).fuses_activation
                    or producer.attrs.get("activation", "none") != "none"
                    or not all(is_float(graph, n) for n in producer.outputs)):
                continue
            producer.attrs = {**producer.attrs, "activation": op_def(act.type).activation}
            if not bypass(graph, act):  # cannot happen: its input has a producer and one reader
                raise AssertionError(f"{act.type} {act.outputs[0]!r} could not be removed")
