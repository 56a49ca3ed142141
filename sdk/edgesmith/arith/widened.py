"""Sub-byte operands seen as int8: the affine arithmetic of 4- and 2-bit tensors is that
of int8 (FORMATS.md), only the range differs, so every backend runs a sub-byte op as the
int8 op on a view of the graph whose sub-byte operands are declared 8-bit with the same
scales and zero points (the simulator's kernels, the C parameters, the low-bit branch)."""

from __future__ import annotations

from ..errors import UnsupportedError
from ..ir import AffineFormat, Graph, Op, Tensor


def is_subbyte(fmt) -> bool:
    return isinstance(fmt, AffineFormat) and fmt.bits < 8


def widened_view(op: Op, graph: Graph) -> Graph:
    """``graph`` with ``op``'s sub-byte operands declared 8-bit (same scales, zero points)."""
    tensors = dict(graph.tensors)
    for name in [n for n in op.inputs if n is not None] + op.outputs:
        t = graph.tensors[name]
        if is_subbyte(t.fmt):
            if not t.fmt.signed:
                raise UnsupportedError(f"{op.origin or op.type}: tensor {name!r} is unsigned "
                                       f"{t.fmt.bits}-bit; sub-byte kernels take signed values")
            wide = AffineFormat(t.fmt.scale, t.fmt.zero_point, t.fmt.axis, bits=8)
            tensors[name] = Tensor(name, t.shape, t.dtype, wide, t.data)
    return Graph(graph.name, tensors, graph.ops, graph.inputs, graph.outputs, graph.meta)
