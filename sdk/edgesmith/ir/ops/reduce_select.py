"""What reduce_max and reduce_min share: the largest or smallest value over some axes, with or
without keeping them. TFLite's int8 kernels compare raw values (input and output share a
scale and zero point), so the reduction is exact and needs no arithmetic."""

from __future__ import annotations

import numpy as np

from ...errors import UnsupportedError
from .base import Attr, OpDef, register
from .mean import MEAN, tflite_reducer
from .reference import attrs_of, f32


def _reader(op_type: str):
    read_axes = tflite_reducer(op_type, "reduction")

    def read(imp, op) -> None:
        x, y = imp.tflite(op.inputs[0]), imp.tflite(op.outputs[0])
        if x.scale is not None and (not np.array_equal(x.scale, y.scale)
                                    or not np.array_equal(x.zero_point, y.zero_point)):
            raise UnsupportedError(f"{imp.path}: {op.title}: input and output of an integer "
                                   f"{op.name} must share one scale and zero point")
        read_axes(imp, op)
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
