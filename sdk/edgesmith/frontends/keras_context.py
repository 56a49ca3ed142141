"""What every Keras layer converter uses: the per-layer context and the registry.

A converter is ``fn(ctx, inputs) -> output tensor name``; it is registered for
one or more Keras class names with :func:`converter`. The layer modules
(:mod:`.keras_layers`, :mod:`.keras_conv`) hold the converters themselves.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ..errors import ModelFormatError, UnsupportedError
from ..ir.ops import OP_DEFS
from .builder import GraphBuilder
from .keras_config import KerasLayer


class LayerContext:
    """One Keras layer call being converted: its config, weights and op builder."""

    def __init__(self, builder: GraphBuilder, layer: KerasLayer,
                 weights: dict[str, np.ndarray]):
        self.builder = builder
        self.layer = layer
        self.config = layer.config
        self.weights = weights
        #: weight names the converter read; any other weight means we misunderstood the layer
        self.used: set[str] = set()

    @property
    def origin(self) -> str:
        return self.layer.label

    def shape(self, tensor: str) -> tuple[int, ...]:
        return self.builder.shape(tensor)

    def refuse(self, what: str) -> UnsupportedError:
        return UnsupportedError(f"{self.origin}: {what}")

    def op(self, op_type: str, inputs: list[str | None], attrs: dict | None = None,
           suffix: str | None = None) -> str:
        return self.builder.op(op_type, inputs, attrs, origin=self.origin,
                               name=f"{self.layer.name}/{suffix or op_type}")

    def const(self, suffix: str, data: np.ndarray) -> str:
        return self.builder.const(f"{self.layer.name}/{suffix}", data)

    def weight(self, *names: str) -> np.ndarray:
        """The first of ``names`` the layer has (Keras versions name some weights differently)."""
        for name in names:
            if name in self.weights:
                self.used.add(name)
                return np.asarray(self.weights[name], dtype=np.float32)
        raise ModelFormatError(f"{self.origin}: weight {names[0]!r} is missing "
                               f"(found {sorted(self.weights) or 'none'})")

    def bias(self) -> str | None:
        return self.const("bias", self.weight("bias")) if self.config.get("use_bias", True) else None

    def check_all_weights_used(self) -> None:
        """Refuse a layer with weights its converter did not read (e.g. LoRA, Keras int8)."""
        unread = sorted(set(self.weights) - self.used)
        if unread:
            raise self.refuse(f"has weights edgesmith does not understand ({', '.join(unread)}); "
                              "LoRA and Keras-quantized layers are not supported, import the "
                              "float model")

    def require_channels_last(self) -> None:
        fmt = self.config.get("data_format") or "channels_last"
        if fmt != "channels_last":
            raise self.refuse(f"data_format {fmt!r} is not supported; edgesmith works in NHWC "
                              "(channels_last)")

    def activate(self, x: str, activation=None) -> str:
        """Apply a Keras activation (a name or a Keras 3 serialized function) to ``x``."""
        if activation is None:
            activation = self.config.get("activation", "linear")
        if isinstance(activation, dict):  # a serialized function: {"config": "relu", ...}
            inner = activation.get("config")
            activation = inner if isinstance(inner, str) else activation.get("class_name")
        if activation in (None, "linear"):
            return x
        if activation in COMPOSITE_ACTIVATIONS:
            return COMPOSITE_ACTIVATIONS[activation](self, x)
        if activation not in ACTIVATION_OPS:
            raise self.refuse(f"activation {activation!r} is not supported; supported: "
                              f"{', '.join(['linear', *ACTIVATION_OPS, *COMPOSITE_ACTIVATIONS])}")
        op_type = ACTIVATION_OPS[activation]
        return self.op(op_type, [x], {"beta": 1.0} if op_type == "softmax" else None)

    def scalar(self, suffix: str, value: float) -> str:
        """A float32 constant of one element (broadcast by the elementwise ops)."""
        return self.const(suffix, np.full((1,), value, np.float32))


#: Keras activation name -> IR op type
ACTIVATION_OPS = {"relu": "relu", "relu6": "relu6", "sigmoid": "logistic", "tanh": "tanh",
                  "softmax": "softmax", "elu": "elu", "hard_tanh": "relu_n1_to_1",
                  "hard_swish": "hard_swish", "hard_silu": "hard_swish"}


def _hard_sigmoid(ctx: LayerContext, x: str) -> str:
    """Keras 3: relu6(x + 3) / 6; Keras 2 (its files say so): clip(0.2 x + 0.5, 0, 1),
    that is relu6(1.2 x + 3) / 6."""
    if str(ctx.builder.graph.meta.get("keras_version", "3")).startswith("2."):
        x = ctx.op("mul", [x, ctx.scalar("keras2_slope", 1.2)], suffix="hard_sigmoid_slope")
    shifted = ctx.op("add", [x, ctx.scalar("three", 3.0)], suffix="hard_sigmoid_shift")
    clipped = ctx.op("relu6", [shifted], suffix="hard_sigmoid_clip")
    return ctx.op("mul", [clipped, ctx.scalar("sixth", 1.0 / 6.0)], suffix="hard_sigmoid")


def _swish(ctx: LayerContext, x: str) -> str:
    """x * sigmoid(x) (Keras ``swish`` and ``silu``)."""
    return ctx.op("mul", [x, ctx.op("logistic", [x], suffix="swish_gate")], suffix="swish")


def _leaky_relu(ctx: LayerContext, x: str) -> str:
    return ctx.op("leaky_relu", [x], {"alpha": 0.2})  # keras.activations.leaky_relu's default


#: Keras activations made of several IR ops
COMPOSITE_ACTIVATIONS = {"hard_sigmoid": _hard_sigmoid, "swish": _swish, "silu": _swish,
                         "leaky_relu": _leaky_relu}

Converter = Callable[[LayerContext, list[str]], str]
#: Keras class -> converter; the op definitions that carry a converter (``from_keras``)
#: register theirs here, the rest register with :func:`converter`
CONVERTERS: dict[str, Converter] = {name: d.from_keras for d in OP_DEFS.values()
                                    if d.from_keras for name in d.keras}


def converter(*class_names: str):
    """Register the decorated function as the converter of these Keras classes."""
    def register(fn: Converter) -> Converter:
        for name in class_names:
            CONVERTERS[name] = fn
        return fn
    return register


def ints(value, n: int, what: str = "value") -> tuple[int, ...]:
    """A Keras int-or-tuple setting as ``n`` ints."""
    try:
        if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
            return (int(value),) * n
        value = tuple(int(v) for v in value)
    except (TypeError, ValueError, OverflowError):
        raise ModelFormatError(f"{what} {str(value)[:80]}: expected {n} integers") from None
    if len(value) == 1 and n > 1:
        value = value * n
    if len(value) != n:
        raise ModelFormatError(f"{what} {value} should have {n} values")
    return value
