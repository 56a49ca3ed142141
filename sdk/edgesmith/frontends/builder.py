"""Build a float graph op by op, with shapes inferred from the op specs.

The Keras and scikit-learn importers (and hand-written graphs in tests) append
ops through :class:`GraphBuilder`; it asks the op spec for each output shape,
so an importer cannot create a tensor whose shape disagrees with its op.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..errors import UnsupportedError
from ..ir import Graph, Op, Tensor, infer_shape, verify_graph, with_defaults


class GraphBuilder:
    """Appends float32 tensors and ops to a new :class:`Graph`."""

    def __init__(self, name: str, meta: dict | None = None):
        self.graph = Graph(name, meta=dict(meta or {}))

    def shape(self, tensor: str) -> tuple[int, ...]:
        return self.graph.tensors[tensor].shape

    def input(self, name: str, shape: Sequence[int]) -> str:
        """A graph input; ``shape`` includes the batch dimension (stored as 1)."""
        t = self.graph.add_tensor(Tensor(self.graph.unique_name(name), tuple(shape), "float32"))
        self.graph.inputs.append(t.name)
        return t.name

    def const(self, name: str, data: np.ndarray) -> str:
        return self.graph.add_const(name, np.asarray(data, dtype=np.float32)).name

    def op(self, op_type: str, inputs: Sequence[str | None], attrs: dict | None = None, *,
           name: str, origin: str = "") -> str:
        """Append ``op_type`` reading ``inputs``; return the name of its (single) output.

        Attributes are stored complete (declared defaults filled in), so every
        consumer of the graph sees the same explicit values.
        """
        attrs = with_defaults(op_type, dict(attrs or {}))
        shapes = [self.graph.tensors[n].shape for n in inputs if n is not None]
        try:
            (shape,) = infer_shape(op_type, shapes, attrs)
        except ValueError as exc:
            raise UnsupportedError(f"{origin or op_type}: {exc}") from None
        out = self.graph.add_tensor(Tensor(self.graph.unique_name(name), shape, "float32"))
        self.graph.add_op(Op(op_type, list(inputs), [out.name], attrs, origin))
        return out.name

    def rename_output(self, old: str, new: str) -> str:
        """Give the tensor an op just wrote (and nothing reads yet) a better name."""
        if old == new or old in self.graph.inputs or self.graph.tensors[old].is_const:
            return old
        new = self.graph.unique_name(new)
        tensor = self.graph.tensors.pop(old)
        tensor.name = new
        self.graph.tensors[new] = tensor
        for op in self.graph.ops:
            op.outputs = [new if n == old else n for n in op.outputs]
        self.graph.rename_tensor_uses(old, new)
        return new

    def finish(self, outputs: Sequence[str]) -> Graph:
        """Set the graph outputs, check the graph, and hand it over."""
        self.graph.outputs = list(outputs)
        self.graph.remove_unused_tensors()
        verify_graph(self.graph)
        return self.graph
