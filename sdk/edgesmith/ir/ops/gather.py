"""gather: a strided walk over one sample's elements, the primitive that every pure
data-movement op is lowered to (:mod:`edgesmith.passes.lowering`). It has no frontend:
only the lowering step makes it."""

from __future__ import annotations

from .base import Attr, OpDef, register
from .movement import StridedWalk, walk_gather


def _shape(shapes, a):
    return [(shapes[0][0],) + tuple(a["shape"][1:])]


def _move(x, a):
    return walk_gather(x, StridedWalk(a["offset"], tuple(a["dims"]), tuple(a["strides"])),
                       a["shape"])


GATHER = register(OpDef(
    "gather", ("x",),
    {"shape": Attr("ints", required=True), "offset": Attr("int", required=True),
     "dims": Attr("ints", required=True), "strides": Attr("ints", required=True)}, _shape,
    doc="Output element i (row-major over dims) is input element offset + sum(i_k * strides[k]), "
        "per sample; the output has shape `shape` (dimension 0 is the batch).",
    pattern="injective", quant="shares", move=_move))
