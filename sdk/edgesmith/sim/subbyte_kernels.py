"""Sub-byte (4-bit, 2-bit) affine kernels: the int8 kernels, unchanged.

The affine arithmetic of 4- and 2-bit tensors is that of int8 (FORMATS.md);
only the range differs. The IR keeps one sub-byte value per int8 element
(packing happens where bytes leave the IR, see :mod:`edgesmith.ir.packing`),
so an op with sub-byte operands runs the int8 kernel on a view of the graph
in which those operands are declared 8-bit with the same scales and zero
points, and its output is clamped to the sub-byte range. Clamping after the
int8 kernel's own activation clamp equals clamping once to the intersection:
both ranges contain the output zero point, so they overlap.
"""

from __future__ import annotations

import numpy as np

from ..errors import UnsupportedError
from ..arith.widened import is_subbyte, widened_view
from ..ir import AffineFormat, Graph, Op
from .int_kernels import INT_KERNELS, Kernel


def _check_range(op: Op, name: str, fmt: AffineFormat, values: np.ndarray) -> None:
    if values.size and (values.min() < fmt.qmin or values.max() > fmt.qmax):
        raise UnsupportedError(f"{op.origin or op.type}: tensor {name!r} holds values outside "
                               f"the {fmt.bits}-bit range [{fmt.qmin}, {fmt.qmax}]")


def _subbyte(int8_kernel: Kernel) -> Kernel:
    def kernel(op: Op, graph: Graph, args: list) -> np.ndarray:
        for name, value in zip(op.inputs, args):
            if name is not None and is_subbyte(graph.tensors[name].fmt):
                _check_range(op, name, graph.tensors[name].fmt, np.asarray(value))
        out = int8_kernel(op, widened_view(op, graph), args)
        fmt = graph.tensors[op.outputs[0]].fmt
        return np.clip(out, fmt.qmin, fmt.qmax).astype(out.dtype) if is_subbyte(fmt) else out
    return kernel


SUBBYTE_KERNELS: dict[str, Kernel] = {t: _subbyte(k) for t, k in INT_KERNELS.items()}
