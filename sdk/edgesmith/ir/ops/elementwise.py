"""What the elementwise ops share: the binary shape rule and the TFLite readers."""

from __future__ import annotations

from .base import broadcast_shapes
from .tflite_read import fused_activation


def binary_shape(shapes, a):
    return [broadcast_shapes(shapes[0], shapes[1])]


def tflite_binary(op_type: str):
    """The TFLite reader of a binary op with a fused activation."""
    def read(imp, op) -> None:
        imp.emit(op, op_type, op.inputs[:2], {"activation": fused_activation(imp, op)})
    return read


def tflite_unary(op_type: str):
    """The TFLite reader of an op with one input and no options."""
    def read(imp, op) -> None:
        imp.emit(op, op_type, op.inputs[:1], {})
    return read
