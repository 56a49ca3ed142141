"""depth_to_space: channel blocks of ``block * block`` moved into the height and width
(TFLite DEPTH_TO_SPACE, DCR order: output (h*b + i, w*b + j, c) reads channel
(i*b + j) * C_out + c of input (h, w))."""

from __future__ import annotations

from .base import Attr, OpDef, register
from .tflite_read import option, positive


def _shape(shapes, a):
    n, h, w, c = shapes[0]
    b = a["block"]
    if c % (b * b):
        raise ValueError(f"depth {c} is not a multiple of block {b} squared")
    return [(n, h * b, w * b, c // (b * b))]


def _move(x, a):
    n, h, w, c = x.shape
    b = a["block"]
    y = x.reshape(n, h, w, b, b, c // (b * b)).transpose(0, 1, 3, 2, 4, 5)
    return y.reshape(n, h * b, w * b, c // (b * b))


def _from_tflite(imp, op) -> None:
    (block,) = positive(imp, op, "block size", [option(op, "BlockSize", 0)])
    imp.emit(op, "depth_to_space", op.inputs[:1], {"block": block})


DEPTH_TO_SPACE = register(OpDef(
    "depth_to_space", ("x",), {"block": Attr("int", required=True)}, _shape,
    doc="NHWC channel blocks moved into block x block pixels (DCR order).",
    pattern="injective", quant="shares", move=_move, tflite=("DEPTH_TO_SPACE",),
    from_tflite=_from_tflite))
