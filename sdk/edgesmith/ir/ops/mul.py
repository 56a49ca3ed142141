"""mul: a * b with broadcasting and a fused activation."""

from __future__ import annotations

from .base import ACTIVATIONS, Attr, OpDef, register
from .elementwise import binary_shape, tflite_binary
from .reference import apply_activation, attrs_of, f32


def _float(op, graph, args):
    return apply_activation(f32(args[0]) * f32(args[1]), attrs_of(op)["activation"])


# fuses_activation stays off: a standalone relu after mul is not folded into it (the
# fixed-point and HLS mul kernels clamp only at their output type)
MUL = register(OpDef(
    "mul", ("a", "b"), {"activation": Attr("str", "none", ACTIVATIONS)}, binary_shape,
    doc="a * b with broadcasting.",
    pattern="broadcast", quantizes_constants=True, inplace="elementwise", patch="join",
    float_ref=_float, tflite=("MUL",), from_tflite=tflite_binary("mul")))
