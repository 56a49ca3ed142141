"""What maximum and minimum share: an elementwise choice between two values in one number
format. TFLite's int8 kernels compare the raw values (inputs and output share a scale and
zero point), so the choice is exact and needs no arithmetic."""

from __future__ import annotations

import numpy as np

from ...errors import UnsupportedError
from .base import OpDef, register
from .elementwise import binary_shape
from .reference import f32


def _reader(op_type: str):
    def read(imp, op) -> None:
        tensors = [imp.tflite(i) for i in (*op.inputs[:2], op.outputs[0])]
        quant = {(tuple(np.atleast_1d(t.scale).tolist()),
                  tuple(np.atleast_1d(t.zero_point).tolist())) for t in tensors
                 if t.scale is not None}
        if len(quant) > 1:
            raise UnsupportedError(f"{imp.path}: {op.title}: inputs and output of an integer "
                                   f"{op.name} must share one scale and zero point")
        imp.emit(op, op_type, op.inputs[:2], {})
    return read


def select_op(name: str, builtin: str, keras: str, pick) -> OpDef:
    """The definition of ``name``: ``pick(a, b)`` elementwise with broadcasting."""
    return register(OpDef(
        name, ("a", "b"), {}, binary_shape, doc=f"{keras} of a and b with broadcasting.",
        pattern="broadcast", quant="shares", quantizes_constants=True, inplace="elementwise",
        float_ref=lambda op, graph, args: pick(f32(args[0]), f32(args[1])),
        tflite=(builtin,), from_tflite=_reader(name)))
