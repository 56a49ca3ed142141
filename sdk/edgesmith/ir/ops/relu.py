"""The relu family: relu, relu6 and relu_n1_to_1, each equal to the fused activation of
the same name (so the activation-fusion pass can fold it into the op before it)."""

from __future__ import annotations

from .base import OpDef, register
from .elementwise import tflite_unary
from .reference import apply_activation, f32


def _relu_def(name: str, builtin: str, doc: str, keras: tuple[str, ...]) -> OpDef:
    return register(OpDef(
        name, ("x",), doc=doc, pattern="elementwise", inplace="elementwise", activation=name,
        patch="pointwise", float_ref=lambda op, graph, args: apply_activation(f32(args[0]), name),
        tflite=(builtin,), from_tflite=tflite_unary(name), keras=keras))


RELU = _relu_def("relu", "RELU", "max(x, 0).", ("ReLU", "Activation(relu)"))
RELU6 = _relu_def("relu6", "RELU6", "min(max(x, 0), 6).", ("ReLU(max_value=6)",))
RELU_N1_TO_1 = _relu_def("relu_n1_to_1", "RELU_N1_TO_1", "min(max(x, -1), 1).", ())
