"""space_to_depth: each ``block x block`` patch of pixels stacked into the channels (TFLite
SPACE_TO_DEPTH; the inverse of depth_to_space)."""

from __future__ import annotations

from .base import Attr, OpDef, register
from .tflite_read import option, positive


def _shape(shapes, a):
    n, h, w, c = shapes[0]
    b = a["block"]
    if h % b or w % b:
        raise ValueError(f"height {h} and width {w} are not multiples of block {b}")
    return [(n, h // b, w // b, c * b * b)]


def _move(x, a):
    n, h, w, c = x.shape
    b = a["block"]
    y = x.reshape(n, h // b, b, w // b, b, c).transpose(0, 1, 3, 2, 4, 5)
    return y.reshape(n, h // b, w // b, c * b * b)


def _from_tflite(imp, op) -> None:
    (block,) = positive(imp, op, "block size", [option(op, "BlockSize", 0)])
    imp.emit(op, "space_to_depth", op.inputs[:1], {"block": block})


SPACE_TO_DEPTH = register(OpDef(
    "space_to_depth", ("x",), {"block": Attr("int", required=True)}, _shape,
    doc="NHWC block x block pixel patches stacked into the channels.",
    pattern="injective", quant="shares", move=_move, tflite=("SPACE_TO_DEPTH",),
    from_tflite=_from_tflite))
