"""quantize and dequantize: the conversions between float and integer formats, and
between two integer formats (requantize)."""

from __future__ import annotations

from ...ir.graph import Tensor
from .base import OpDef, register
from .elementwise import tflite_unary


def _dequantize_from_tflite(imp, op) -> None:
    src = imp.tflite(op.inputs[0])
    if src.data is None:
        imp.emit(op, "dequantize", op.inputs[:1], {})
        return
    out = imp.tflite(op.outputs[0])  # a constant weight: fold it
    data = imp.dequantized(src, op)
    imp.register(out.index, False, Tensor(out.name, tuple(data.shape), "float32", None, data))


# quantize runs in place only between integer formats of equal width (memory/inplace.py)
QUANTIZE = register(OpDef(
    "quantize", ("x",),
    doc="Float to integer, or integer to integer with a new format (requantize).",
    pattern="convert", quant="none", inplace="elementwise", patch="pointwise",
    tflite=("QUANTIZE",), from_tflite=tflite_unary("quantize")))
DEQUANTIZE = register(OpDef(
    "dequantize", ("x",), doc="Integer to float.",
    pattern="convert", quant="none", patch="pointwise",
    tflite=("DEQUANTIZE",), from_tflite=_dequantize_from_tflite))
