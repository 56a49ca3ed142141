"""concat: concatenation of any number of inputs along one axis."""

from __future__ import annotations

import numpy as np

from ...errors import UnsupportedError
from .base import ACTIVATIONS, Attr, OpDef, register
from .reference import apply_activation, attrs_of, f32
from .tflite_read import fused_activation, option


def _shape(shapes, a):
    axis = a["axis"] % len(shapes[0])
    out = list(shapes[0])
    for s in shapes[1:]:
        if len(s) != len(out) or any(s[i] != out[i] for i in range(len(s)) if i != axis):
            raise ValueError(f"concat inputs {shapes} differ outside axis {axis}")
        out[axis] += s[axis]
    return [tuple(out)]


def _float(op, graph, args):
    a = attrs_of(op)
    return apply_activation(np.concatenate([f32(x) for x in args], axis=a["axis"]),
                            a["activation"])


def _from_tflite(imp, op) -> None:
    rank = len(imp.tflite(op.inputs[0]).shape)
    axis = option(op, "Axis", 0) % rank
    if axis == 0:
        raise UnsupportedError(f"{imp.path}: {op.title}: concatenation along the batch axis")
    imp.emit(op, "concat", op.inputs, {"axis": axis, "activation": fused_activation(imp, op)})


CONCAT = register(OpDef(
    "concat", ("x",), {"axis": Attr("int", -1), "activation": Attr("str", "none", ACTIVATIONS)},
    _shape, variadic=True, doc="Concatenation along an axis.",
    pattern="injective", quant="shares", quantizes_constants=True, fuses_activation=True,
    patch="join", float_ref=_float, tflite=("CONCATENATION",), from_tflite=_from_tflite,
    keras=("Concatenate",)))
