"""FuseActivation: a clamping activation becomes the ``activation`` attr of its producer."""

from __future__ import annotations

from ..ir import Graph
from .base import GraphPass, bypass, is_float, producer_through_reshapes

#: ops whose spec declares the fused ``activation`` attribute and may absorb one
FUSING_OPS = ("conv2d", "depthwise_conv2d", "fully_connected", "add",
              "avg_pool2d", "max_pool2d", "concat")
#: standalone activation ops that equal a fused activation of the same name
FUSABLE_ACTIVATIONS = ("relu", "relu6", "relu_n1_to_1")


class FuseActivation(GraphPass):
    """Fold ``relu``/``relu6``/``relu_n1_to_1`` into the op that produces their input.

    Requires: a graph that passes ``verify_graph``.
    Rewrites: an activation op whose input comes from one of ``FUSING_OPS``
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
        for act in [op for op in graph.ops if op.type in FUSABLE_ACTIVATIONS]:
            src = act.inputs[0]
            if not (is_float(graph, src) and is_float(graph, act.outputs[0])):
                continue
            producer = producer_through_reshapes(graph, src, keep_last_dim=False)
            if (producer is None or producer.type not in FUSING_OPS
                    or producer.attrs.get("activation", "none") != "none"
                    or not all(is_float(graph, n) for n in producer.outputs)):
                continue
            producer.attrs = {**producer.attrs, "activation": act.type}
            if not bypass(graph, act):  # cannot happen: its input has a producer and one reader
                raise AssertionError(f"{act.type} {act.outputs[0]!r} could not be removed")
