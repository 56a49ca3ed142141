"""squared_difference: (a - b) squared, with broadcasting (TFLite SQUARED_DIFFERENCE)."""

from __future__ import annotations

from .base import OpDef, register
from .elementwise import binary_shape
from .reference import f32


def _float(op, graph, args):
    d = f32(args[0]) - f32(args[1])
    return d * d


def _from_tflite(imp, op) -> None:
    imp.emit(op, "squared_difference", op.inputs[:2], {})


SQUARED_DIFFERENCE = register(OpDef(
    "squared_difference", ("a", "b"), {}, binary_shape, doc="(a - b) ** 2 with broadcasting.",
    pattern="broadcast", quantizes_constants=True, inplace="elementwise", float_ref=_float,
    tflite=("SQUARED_DIFFERENCE",), from_tflite=_from_tflite))
