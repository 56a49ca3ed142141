"""What reduce_max and reduce_min share: the largest or smallest value over some axes, with or
without keeping them. TFLite's int8 kernels compare raw values (input and output share a
scale and zero point), so the reduction is exact and needs no arithmetic."""

from __future__ import annotations

import numpy as np

from ...errors import UnsupportedError
from .base import Attr, OpDef, register
from .mean import MEAN
from .reference import attrs_of, f32
from .tflite_read import option


def _reader(op_type: str):
    def read(imp, op) -> None:
        rank = len(imp.tflite(op.inputs[0]).shape)
        axes = sorted({int(a) % rank for a in imp.const_values(op, 1, "axes").reshape(-1)})
        if 0 in axes:
            raise UnsupportedError(f"{imp.path}: {op.title}: a reduction over the batch axis is "
                                   "not supported")
        x, y = imp.tflite(op.inputs[0]), imp.tflite(op.outputs[0])
        if x.scale is not None and (not np.array_equal(x.scale, y.scale)
                                    or not np.array_equal(x.zero_point, y.zero_point)):
            raise UnsupportedError(f"{imp.path}: {op.title}: input and output of an integer "
                                   f"{op.name} must share one scale and zero point")
        imp.emit(op, op_type, op.inputs[:1],
                 {"axes": tuple(axes), "keepdims": bool(option(op, "KeepDims", False))})
    return read


def reduce_op(name: str, builtin: str, pick) -> OpDef:
    """The definition of ``name``: ``pick`` (np.max or np.min) over the ``axes``."""
    def _float(op, graph, args):
        a = attrs_of(op)
        return pick(f32(args[0]), axis=tuple(a["axes"]), keepdims=a["keepdims"])

    return register(OpDef(
        name, ("x",), {"axes": Attr("ints", required=True), "keepdims": Attr("bool", False)},
        MEAN.shape_fn, doc=f"{pick.__name__} over the given axes.", pattern="reduction",
        quant="shares", float_ref=_float, tflite=(builtin,), from_tflite=_reader(name)))
