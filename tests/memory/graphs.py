"""A small builder of int8 graphs for planner tests: one call per op, shapes inferred.

Every activation is int8, so a tensor's byte size is its element count and the
expected offsets in the tests can be worked out by hand.
"""

from __future__ import annotations

import numpy as np

from edgesmith.ir import AffineFormat, Graph, Op, Tensor, infer_shape, verify_graph

INT8 = AffineFormat([0.05], [0])


class GraphBuilder:
    def __init__(self, name: str, *input_shapes: tuple[int, ...]):
        self.graph = Graph(name)
        for k, shape in enumerate(input_shapes):
            name = "x" if len(input_shapes) == 1 else f"x{k}"
            self.graph.add_tensor(Tensor(name, shape, "int8", INT8))
            self.graph.inputs.append(name)

    def op(self, op_type: str, inputs: list[str], out: str, consts=(), **attrs) -> str:
        g = self.graph
        names = list(inputs) + [g.add_const(f"{out}_c{k}", c).name for k, c in enumerate(consts)]
        shape = infer_shape(op_type, [g.tensors[n].shape for n in names], attrs)[0]
        g.add_tensor(Tensor(out, shape, "int8", INT8))
        g.add_op(Op(op_type, names, [out], attrs))
        return out

    def conv(self, x: str, out: str, channels: int, kernel: int = 1, **attrs) -> str:
        in_ch = self.graph.tensors[x].shape[-1]
        weights = np.ones((channels, kernel, kernel, in_ch), np.int8)
        return self.op("conv2d", [x], out, [weights], **attrs)

    def depthwise(self, x: str, out: str, kernel: int = 3, multiplier: int = 1, **attrs) -> str:
        channels = self.graph.tensors[x].shape[-1] * multiplier
        weights = np.ones((1, kernel, kernel, channels), np.int8)
        return self.op("depthwise_conv2d", [x], out, [weights], depth_multiplier=multiplier,
                       **attrs)

    def fc(self, x: str, out: str, units: int) -> str:
        features = int(np.prod(self.graph.tensors[x].shape[1:]))
        return self.op("fully_connected", [x], out, [np.ones((units, features), np.int8)])

    def done(self, *outputs: str) -> Graph:
        self.graph.outputs = list(outputs)
        verify_graph(self.graph)
        return self.graph
