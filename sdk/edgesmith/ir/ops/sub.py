"""sub: a - b with broadcasting and a fused activation (TFLite SUB)."""

from __future__ import annotations

from .base import ACTIVATIONS, Attr, OpDef, register
from .elementwise import binary_shape, tflite_binary
from .reference import apply_activation, attrs_of, f32


def _float(op, graph, args):
    return apply_activation(f32(args[0]) - f32(args[1]), attrs_of(op)["activation"])


SUB = register(OpDef(
    "sub", ("a", "b"), {"activation": Attr("str", "none", ACTIVATIONS)}, binary_shape,
    doc="a - b with broadcasting.",
    pattern="broadcast", quantizes_constants=True, inplace="elementwise", fuses_activation=True,
    float_ref=_float, tflite=("SUB",), from_tflite=tflite_binary("sub")))
