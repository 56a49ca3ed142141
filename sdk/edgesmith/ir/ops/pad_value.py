"""pad_value: constant padding with any real value (TFLite PADV2, from tf.pad with
constant_values). Quantized, the value is one code of the shared input/output format, and
the int8 kernel is pad's with that code in place of the zero point."""

from __future__ import annotations

import numpy as np

from ...errors import UnsupportedError
from .base import Attr, OpDef, register
from .pad import _shape
from .reference import f32
from .tflite_read import paddings


def _float(op, graph, args):
    return np.pad(f32(args[0]), [tuple(p) for p in op.attrs["pads"]],
                  constant_values=np.float32(op.attrs.get("value", 0.0)))


def _from_tflite(imp, op) -> None:
    t = imp.tflite(op.inputs[2]) if len(op.inputs) > 2 and op.inputs[2] >= 0 else None
    value = 0.0
    if t is not None:
        raw = imp.const_values(op, 2, "constant value").reshape(-1)
        if raw.size != 1:
            raise UnsupportedError(f"{imp.path}: {op.title}: the constant value must be one "
                                   f"number, got {raw.size}")
        fmt = imp.format(t, op.title) if t.dtype != "float32" else None
        value = float(raw[0]) if fmt is None else \
            float(fmt.scale[0]) * (int(raw[0]) - int(fmt.zero_point[0]))
    imp.emit(op, "pad_value", op.inputs[:1], {"pads": paddings(imp, op), "value": value})


PAD_VALUE = register(OpDef(
    "pad_value", ("x",), {"pads": Attr("pairs", required=True), "value": Attr("float", 0.0)},
    _shape, doc="Constant padding with the real value `value`.",
    pattern="injective", quant="shares", float_ref=_float,
    tflite=("PADV2",), from_tflite=_from_tflite))
