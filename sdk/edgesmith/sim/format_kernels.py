"""Which kernel table runs an integer op, from the formats of its tensors.

The executor asks here before falling back to the int8 kernels: an op whose
first input or output is fixed-point runs a fixed-point kernel (its weights
may be fixed-point or power-of-two), and an op with any 4- or 2-bit affine
operand runs the sub-byte wrapper of the int8 kernel; an op reading an int16 activation
runs a 16x8 kernel (conversions excepted: quantize and dequantize keep their own).
"""

from __future__ import annotations

from ..ir import FixedFormat, Graph, Op
from .fixed_kernels import FIXED_KERNELS
from .int_kernels import Kernel
from ..arith.widened import is_subbyte
from .subbyte_kernels import SUBBYTE_KERNELS
from ..arith.params_int16 import is_int16
from ..ir.ops import op_def_or_opaque
from .int16_kernels import INT16_KERNELS


def kernels_for_formats(op: Op, graph: Graph) -> tuple[str, dict[str, Kernel]] | None:
    """(kind, table) for the formats of ``op``, or None for plain int8 ops."""
    first_and_output = [n for n in op.inputs[:1] + op.outputs[:1] if n is not None]
    if any(isinstance(graph.tensors[n].fmt, FixedFormat) for n in first_and_output):
        return "fixed-point", FIXED_KERNELS
    if any(is_subbyte(graph.tensors[n].fmt) for n in op.inputs + op.outputs if n is not None):
        return "sub-byte", SUBBYTE_KERNELS
    if op.inputs and is_int16(graph, op.inputs[0]) and op_def_or_opaque(op.type).pattern != "convert":
        return "int16 (16x8)", INT16_KERNELS
    return None
