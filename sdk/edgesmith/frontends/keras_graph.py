"""Turn a parsed Keras model (:class:`KerasModelSpec`) plus its weights into a float Graph."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ..errors import UnsupportedError
from ..ir import Graph
from . import keras_conv, keras_layers, keras_resample  # noqa: F401  (register the converters)
from .builder import GraphBuilder
from .keras_config import KerasLayer, KerasModelSpec, TensorRef
from .keras_context import CONVERTERS, LayerContext
from .keras_schema import check_layer_weights

#: layer weights key (its name, ``model/name`` inside a nested model) -> {weight name
#: ("kernel", "bias", "gamma", ...): array}
WeightSource = Callable[[str], dict[str, np.ndarray]]


def supported_layers() -> list[str]:
    return sorted(["InputLayer", *CONVERTERS])


def is_supported(layer: KerasLayer) -> bool:
    """A built-in Keras layer of a class edgesmith converts (not a custom look-alike)."""
    builtin = (layer.registered_name in (None, layer.class_name)
               and (layer.module is None or layer.module.startswith("keras")))
    return builtin and (layer.class_name in CONVERTERS or layer.class_name == "InputLayer")


def refuse_unsupported(layers: list[KerasLayer]) -> None:
    """UnsupportedError naming every layer edgesmith cannot convert, before any work."""
    bad = [layer for layer in layers if not is_supported(layer)]
    if bad:
        names = ", ".join(f"{layer.name!r} ({layer.class_name})" for layer in bad)
        hint = None
        if any(layer.class_name == "Lambda" for layer in bad):
            hint = "Lambda layers hold arbitrary Python; replace them with built-in layers"
        raise UnsupportedError(f"unsupported keras layer {names}; supported layers: "
                               f"{', '.join(supported_layers())}", hint=hint)


def _input_shape(spec: KerasModelSpec, name: str) -> tuple[int, ...]:
    shape = spec.input_shapes.get(name)
    if shape is None or any(d is None for d in shape[1:]):
        raise UnsupportedError(f"keras input {name!r} has shape {shape}: every dimension but "
                               "the batch must be fixed")
    return (1, *(int(d) for d in shape[1:]))


def build_graph(spec: KerasModelSpec, weights: WeightSource, meta: dict) -> Graph:
    """The float graph of ``spec``; each layer's output tensor is named after the layer."""
    refuse_unsupported(list(spec.layers.values()))
    builder = GraphBuilder(spec.name, {"source": "keras", **meta})
    source = str(meta.get("weights") or meta.get("path") or "keras model")
    tensors: dict[TensorRef, str] = {}
    for ref in spec.inputs:
        tensors[ref] = builder.input(ref[0], _input_shape(spec, ref[0]))
    for call in spec.calls:
        layer = call.layer
        args = [tensors[ref] for ref in call.inputs]
        n_ops = len(builder.graph.ops)
        ctx = LayerContext(builder, layer, check_layer_weights(layer, weights(layer.weights_key), source))
        out = CONVERTERS[layer.class_name](ctx, args)
        ctx.check_all_weights_used()
        if len(builder.graph.ops) > n_ops and builder.graph.ops[-1].outputs == [out]:
            out = builder.rename_output(out, layer.name)
        tensors[(layer.name, call.node, 0)] = out
    return builder.finish([tensors[ref] for ref in spec.outputs])

