"""C kernels and parameter structs of ops on fixed-point, power-of-two and sub-byte tensors.

:func:`format_kernel_params` is asked first by :func:`.c_params.kernel_params`:
it returns the ``es_<op>_fx`` / ``_p2`` / ``_s4`` call of an op whose
operands need one, or None for an int8 op. Every integer comes from the same
place the simulator's does:

* fixed point and power-of-two weights: :mod:`.c_fixed` (interval analysis,
  the simulator's output stage and its activation tables);
* sub-byte: the int8 parameters of the op seen with its sub-byte operands
  widened to 8 bits (the simulator's own view,
  :mod:`edgesmith.sim.subbyte_kernels`), the clamp narrowed to the output's
  range, plus the operands' bit widths.

It also packs constants (:func:`c_constant`) and describes model ports whose
format is not int8 (:func:`port_scale`).
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from ..errors import UnsupportedError
from ..ir import AffineFormat, FixedFormat, Graph, Op, Pow2Format, Tensor, with_defaults
from ..ir.packing import pack_subbyte
from ..arith.widened import is_subbyte, widened_view
from .c_fixed import fixed_kernel_params
from .c_values import CStruct, KernelParams

#: the int8 kernel call of an op on a graph (:func:`.c_params.kernel_params`), handed in so
#: that this module, which that one asks first, does not import it back
Int8Params = Callable[[Op, Graph], KernelParams]


def _refuse(op: Op, why: str) -> UnsupportedError:
    return UnsupportedError(f"{op.origin or op.type}: {why}")


# -- sub-byte ---------------------------------------------------------------------------
def _bits(graph: Graph, name: str | None) -> int:
    fmt = graph.tensors[name].fmt if name else None
    return fmt.bits if isinstance(fmt, AffineFormat) else 8


def _s4(op: Op, graph: Graph, int8_params: Int8Params) -> KernelParams:
    if op.type not in ("fully_connected", "conv2d", "depthwise_conv2d", "avg_pool2d",
                       "max_pool2d"):
        raise _refuse(op, f"{op.type} has no packed sub-byte C kernel; sub-byte tensors may "
                          "only connect dense, convolution and pooling layers")
    kp = int8_params(op, widened_view(op, graph))
    out = graph.tensors[op.outputs[0]].fmt
    params = dict(kp.args["params"].fields)
    clamp = params["activation"]
    params["activation"] = {"min": max(clamp["min"], out.qmin), "max": min(clamp["max"], out.qmax)}
    args = {**kp.args, "params": CStruct(kp.args["params"].ctype, params)}
    if "pool" in op.type:
        args["bits"] = out.bits
    else:
        args["packing"] = CStruct("es_packing", {"input_bits": _bits(graph, op.inputs[0]),
                                                 "filter_bits": _bits(graph, op.inputs[1]),
                                                 "output_bits": out.bits})
    return KernelParams(f"es_{op.type}_s4", args)


# -- entry points -----------------------------------------------------------------------
def format_kernel_params(op: Op, graph: Graph, int8_params: Int8Params) -> KernelParams | None:
    """The fixed-point, power-of-two or sub-byte kernel call of ``op``, or None for int8 ops.
    A sub-byte op's parameters are ``int8_params`` of its operands widened to 8 bits."""
    names = [n for n in op.inputs + op.outputs if n is not None]
    if any(isinstance(graph.tensors[n].fmt, FixedFormat) for n in names):
        return fixed_kernel_params(op, graph, with_defaults(op.type, op.attrs))
    if any(is_subbyte(graph.tensors[n].fmt) for n in names):
        return _s4(op, graph, int8_params)
    return None


def c_constant(t: Tensor) -> np.ndarray:
    """The bytes a constant is stored as in C: sub-byte values and power-of-two codes of at
    most 4 bits packed (first value in the low bits), everything else as it is."""
    if is_subbyte(t.fmt):
        return pack_subbyte(t.data, t.fmt.bits)
    if isinstance(t.fmt, Pow2Format) and t.fmt.bits <= 4:
        return pack_subbyte(t.data.astype(np.uint8), 4)
    return t.data


#: the C element type of each dtype a model port may have
PORT_C_TYPES = {"float32": "float", "int8": "int8_t", "uint8": "uint8_t", "int16": "int16_t",
                "int32": "int32_t", "int64": "int64_t"}
#: integer tensors without a number format: the indices arg_max / arg_min write
INDEX_DTYPES = ("int32", "int64")


def port_is_supported(t: Tensor) -> bool:
    """Model inputs and outputs: float32; int8, uint8 or int16 affine with one scale, stored
    in its own type; fixed-point raw int32; or int32 / int64 indices (no format)."""
    if isinstance(t.fmt, FixedFormat):
        return t.dtype == "int32"
    if t.fmt is None:
        return t.dtype == "float32" or t.dtype in INDEX_DTYPES
    return (isinstance(t.fmt, AffineFormat) and not t.fmt.per_channel
            and t.dtype in PORT_C_TYPES and t.dtype == t.fmt.storage_dtype)


def port_scale(t: Tensor) -> tuple[float, int]:
    """(scale, zero point) of a model port: real = scale * (stored - zero point); (1, 0) for
    a float32 port."""
    if t.fmt is None:
        return 1.0, 0
    if isinstance(t.fmt, FixedFormat):
        return math.ldexp(1.0, -t.fmt.frac_bits), 0
    return t.fmt.scalar()


def check_formats(graph: Graph) -> None:
    """Refuse what the C runtime cannot hold: fixed-point activations are raw int32 of any
    width (1 to 32 bits; ``Tensor.nbytes`` counts 4 bytes a value), stored as nothing else."""
    for t in graph.tensors.values():
        if not t.is_const and isinstance(t.fmt, FixedFormat) and t.dtype != "int32":
            raise UnsupportedError(f"tensor {t.name!r} holds {t.fmt.describe()} as {t.dtype}; "
                                   "the C runtime keeps fixed-point values as raw int32")
