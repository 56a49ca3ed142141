"""FoldPad: a zero ``pad`` in front of a convolution becomes the convolution's padding."""

from __future__ import annotations

from ..ir import Graph, op_def
from .base import GraphPass, is_float, sole_consumer



class FoldPad(GraphPass):
    """Fold ``pad`` into the ``pads`` attr of the conv2d / depthwise_conv2d that reads it.

    Requires: a graph that passes ``verify_graph``.
    Rewrites: a float ``pad`` on an NHWC tensor that pads only the height and
    width axes, whose output has one reader, a conv2d or depthwise_conv2d
    that is not a graph output. Keras' ZeroPadding2D in front of a 'valid'
    convolution (MobileNet, ResNet stems) is the common case.
    Guarantees: the convolution reads the pad's input and its pads grow by the
    pad amounts; the pad op is gone; values are unchanged (a zero tap adds
    nothing); the padded copy no longer needs memory of its own. Pooling is
    left alone: average pooling does not count padded cells, and max pooling
    would see zeros.
    """

    name = "fold_pad"

    def run(self, graph: Graph) -> None:
        for pad in [op for op in graph.ops if op.type == "pad"]:
            src, dst = pad.inputs[0], pad.outputs[0]
            pairs = [tuple(p) for p in pad.attrs["pads"]]
            if (len(pairs) != 4 or pairs[0] != (0, 0) or pairs[3] != (0, 0)
                    or not (is_float(graph, src) and is_float(graph, dst))):
                continue
            conv = sole_consumer(graph, dst)
            if conv is None or not op_def(conv.type).absorbs_pad or conv.inputs[0] != dst:
                continue
            top, bottom, left, right = conv.attrs.get("pads", (0, 0, 0, 0))
            (pt, pb), (pl, pr) = pairs[1], pairs[2]
            conv.attrs = {**conv.attrs, "pads": (top + pt, bottom + pb, left + pl, right + pr)}
            conv.inputs = [src] + conv.inputs[1:]
            graph.ops.remove(pad)
