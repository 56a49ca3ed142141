"""Plain values of C kernel arguments: structs, arrays, symbols, shapes.

The lowest module of the C generator (it imports none of the others), so
the int8 (:mod:`.c_params`), fixed-point (:mod:`.c_fixed`) and sub-byte
(:mod:`.c_formats`) parameter builders can share these types without
importing one another.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..errors import UnsupportedError
from ..ir import Graph, Op


@dataclass(frozen=True)
class CStruct:
    ctype: str
    fields: dict[str, Any]


@dataclass(frozen=True, eq=False)
class CArray:
    """Constant elements: ints, or field dicts for arrays of structs."""

    ctype: str
    values: tuple


@dataclass(frozen=True)
class CSymbol:
    """A C name used as a value: an enumerator, or an object declared elsewhere."""

    name: str


@dataclass(frozen=True)
class KernelParams:
    """The runtime kernel of one op and its parameter arguments by role.

    Roles are the kernel's parameter names in ``es_nn.h``: ``params``,
    ``quant``, ``dims`` (structs), ``table`` (an array), ``size``, ``rows``,
    ``depth`` (ints). Tensor shapes and pointers are not here; the call
    derives them from the prototype (:func:`.c_calls.call_values`).
    """

    kernel: str
    args: dict[str, CStruct | CArray | int]


def as_dims4(shape) -> tuple[int, int, int, int]:
    """A shape (batch first) of rank <= 4 as NHWC, size-1 dimensions in front."""
    shape = tuple(int(d) for d in shape)
    if len(shape) > 4:
        raise UnsupportedError(f"the C kernels take tensors of rank <= 4, got shape {list(shape)}")
    return (1,) * (4 - len(shape)) + shape


def dims(shape) -> dict:
    """``es_dims`` fields of a shape."""
    return dict(zip("nhwc", as_dims4(shape)))


def axis4(axis: int, rank: int) -> int:
    """The NHWC axis of ``axis`` of a rank-``rank`` tensor padded by :func:`as_dims4`."""
    return 4 - rank + axis % rank


def tile(pair) -> dict:
    return {"h": int(pair[0]), "w": int(pair[1])}


def pad_kernel(op: Op, graph: Graph, a: dict, tag: str, pad_value: int) -> KernelParams:
    """The ``es_pad_<tag>`` call of a ``pad`` op (rank <= 4, padded as NHWC)."""
    rank = len(graph.tensors[op.inputs[0]].shape)
    before = [0] * (4 - rank) + [int(b) for b, _ in a["pads"]]
    fields = {"before": dict(zip("nhwc", before)), "pad_value": int(pad_value)}
    return KernelParams(f"es_pad_{tag}", {"params": CStruct("es_pad_params", fields)})


#: the size of es_gather_params' dims and strides (ES_GATHER_MAX_DIMS)
GATHER_MAX_DIMS = 6


def gather_kernel(op: Op, graph: Graph, tag: str) -> KernelParams:
    """The ``es_gather_<tag>`` call of a ``gather`` op (its walk padded to the C arrays)."""
    a = op.attrs
    pad = GATHER_MAX_DIMS - len(a["dims"])
    fields = {"rank": len(a["dims"]), "offset": a["offset"],
              "dims": tuple(a["dims"]) + (1,) * pad, "strides": tuple(a["strides"]) + (0,) * pad,
              "input_size": graph.tensors[op.inputs[0]].size}
    return KernelParams(f"es_gather_{tag}", {"params": CStruct("es_gather_params", fields)})


def gather_table_kernel(op: Op, graph: Graph, tag: str) -> KernelParams:
    """The ``es_gather_table_<tag>`` call of a ``gather_table`` op (its row offsets a table)."""
    a = op.attrs
    fields = {"rows": len(a["offsets"]), "run": a["run"],
              "input_size": graph.tensors[op.inputs[0]].size,
              "offsets": CArray("int32_t", tuple(int(v) for v in a["offsets"]))}
    return KernelParams(f"es_gather_table_{tag}",
                        {"params": CStruct("es_gather_table_params", fields)})
