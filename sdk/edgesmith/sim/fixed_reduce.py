"""Fixed-point reductions of the simulator: reduce_max and reduce_min (the chosen raw value,
cast), sum (the exact sum, cast once) and mean (the exact mean, quantized once: the average
pool's kernel over a window that is the reduced axes). The C kernels (``es_<op>_fx``,
``es_reduce_fx_params``) compute the same numbers."""

from __future__ import annotations

import numpy as np

from .. import _sim
from ..errors import UnsupportedError
from ..ir import FixedFormat, Graph, Op, with_defaults


def reduced_axes(op: Op, graph: Graph) -> tuple[int, ...]:
    """The reduced axes of ``op`` (never the batch), sorted and non-negative."""
    rank = len(graph.tensors[op.inputs[0]].shape)
    axes = tuple(sorted({int(a) % rank for a in with_defaults(op.type, op.attrs)["axes"]}))
    if 0 in axes:
        raise UnsupportedError(f"{op.origin or op.type}: a fixed-point {op.type} cannot reduce "
                               "the batch axis")
    return axes


def sum_type(x: FixedFormat, count: int):
    """A simulator type that holds the exact sum of ``count`` values of ``x``."""
    grow = max(count - 1, 0).bit_length()
    return _sim.FixedType(x.width + grow, x.integer_bits + grow, x.signed, "TRN", "WRAP")


def _formats(op: Op, graph: Graph) -> tuple[FixedFormat, FixedFormat]:
    fmts = graph.tensors[op.inputs[0]].fmt, graph.tensors[op.outputs[0]].fmt
    if not all(isinstance(f, FixedFormat) for f in fmts):
        raise UnsupportedError(f"{op.origin or op.type}: a fixed-point {op.type} needs "
                               "fixed-point input and output")
    return fmts


def reduce_kernel(op: Op, graph: Graph, args: list) -> np.ndarray:
    x_fmt, out = _formats(op, graph)
    axes, x = reduced_axes(op, graph), np.asarray(args[0], np.int64)
    keep = with_defaults(op.type, op.attrs)["keepdims"]
    out_shape = (x.shape[0],) + tuple(graph.tensors[op.outputs[0]].shape[1:])
    count = int(np.prod([x.shape[a] for a in axes], dtype=np.int64))
    if op.type == "mean":
        kept = [a for a in range(1, x.ndim) if a not in axes]
        rows = x.transpose([0, *axes, *kept]).reshape(x.shape[0], count, 1, -1)
        mean = _sim.avg_pool2d_fx(np.ascontiguousarray(rows, np.int32), kernel=(count, 1),
                                  stride=(1, 1), pads=(0, 0, 0, 0),
                                  x_type=x_fmt.sim_type(), out=out.sim_type())
        return mean.reshape(out_shape)
    if op.type == "sum":
        values, source = x.sum(axis=axes, keepdims=keep), sum_type(x_fmt, count)
    else:
        pick = np.max if op.type == "reduce_max" else np.min
        values, source = pick(x, axis=axes, keepdims=keep), x_fmt.sim_type()
    cast = _sim.fixed_cast(np.ascontiguousarray(values, np.int64), source, out.sim_type())
    return cast.astype(np.int32).reshape(out_shape)


REDUCE_KERNELS = {t: reduce_kernel for t in ("mean", "sum", "reduce_max", "reduce_min")}
