"""Flatten Keras models nested inside a model into one list of layer calls.

A Keras model may use another model as a layer (a Sequential backbone inside a
functional model, a shared encoder called twice). Its config is a whole model
config in the layer entry. :func:`flatten_nested` replaces each call of such a
layer by the calls of its own layers, wired to the call's inputs, so the rest of
the importer only ever sees plain layers.

Names: an inner layer keeps its own name when it is unique in the whole model
(the usual case: Keras names layers globally); a clash is resolved by prefixing
the enclosing model's name (``encoder/dense``). A second call of the same
nested model reuses its inner layers (shared weights) as further call nodes.
Each inner layer records where its weights live (:attr:`KerasLayer.weights_key`:
``"encoder/dense"``), which is how the weight sources look them up.
"""

from __future__ import annotations

from collections.abc import Callable

from ..errors import ModelFormatError
from .keras_config import KerasLayer, KerasModelSpec, LayerCall, TensorRef

#: Keras class names whose layer entry is a whole model
MODEL_CLASSES = ("Sequential", "Functional", "Model")
#: nesting depth edgesmith follows (a hostile config could nest without end)
MAX_DEPTH = 16


def is_nested_model(layer: KerasLayer) -> bool:
    return layer.class_name in MODEL_CLASSES and isinstance(layer.config.get("layers"), list)


class _Flattener:
    def __init__(self, spec: KerasModelSpec, parse: Callable[[dict], KerasModelSpec]):
        self.spec = spec
        self.parse = parse
        self.out = KerasModelSpec(spec.name, input_shapes=dict(spec.input_shapes),
                                  inputs=list(spec.inputs))
        #: a ref of the nested spec's naming -> the ref it is in the flat spec
        self.alias: dict[TensorRef, TensorRef] = {}
        #: (scope, inner layer name) -> flat layer, shared by every call of a nested model
        self.flat_layers: dict[tuple[str, str], KerasLayer] = {}
        self.nodes: dict[str, int] = {}  # flat layer name -> calls emitted so far
        self.taken = {name for name, layer in spec.layers.items() if not is_nested_model(layer)}

    def resolve(self, ref: TensorRef) -> TensorRef:
        return self.alias.get(ref, ref)

    def emit(self, layer: KerasLayer, inputs: list[TensorRef]) -> int:
        node = self.nodes.get(layer.name, 0)
        self.nodes[layer.name] = node + 1
        self.out.layers[layer.name] = layer
        self.out.calls.append(LayerCall(layer, node, inputs))
        return node

    def flat_layer(self, scope: str, layer: KerasLayer) -> KerasLayer:
        key = (scope, layer.name)
        if key not in self.flat_layers:
            name = layer.name if layer.name not in self.taken else f"{scope}/{layer.name}"
            if name in self.taken:
                raise ModelFormatError(f"keras layer name {name!r} is used twice")
            self.taken.add(name)
            self.flat_layers[key] = KerasLayer(name, layer.class_name, layer.config, layer.module,
                                               layer.registered_name,
                                               weights_key=f"{scope}/{layer.weights_key}")
        return self.flat_layers[key]

    def run(self) -> KerasModelSpec:
        for call in self.spec.calls:
            inputs = [self.resolve(r) for r in call.inputs]
            if is_nested_model(call.layer):
                outputs = self.inline(call.layer, inputs, depth=1)
                for k, ref in enumerate(outputs):
                    self.alias[(call.layer.name, call.node, k)] = ref
            else:
                node = self.emit(call.layer, inputs)
                self.alias[(call.layer.name, call.node, 0)] = (call.layer.name, node, 0)
        self.out.outputs = [self.resolve(r) for r in self.spec.outputs]
        return self.out

    def inline(self, model: KerasLayer, inputs: list[TensorRef], depth: int) -> list[TensorRef]:
        """Emit the calls of nested ``model`` applied to ``inputs``; its output refs."""
        if depth > MAX_DEPTH:
            raise ModelFormatError(f"{model.label}: models nested more than {MAX_DEPTH} deep")
        inner = self.parse({"class_name": model.class_name, "config": model.config})
        if len(inner.inputs) != len(inputs):
            raise ModelFormatError(f"{model.label} takes {len(inner.inputs)} inputs but is "
                                   f"called with {len(inputs)}")
        local: dict[TensorRef, TensorRef] = dict(zip(inner.inputs, inputs))
        for call in inner.calls:
            args = [local.get(r, r) for r in call.inputs]
            if is_nested_model(call.layer):
                scoped = KerasLayer(call.layer.name, call.layer.class_name, call.layer.config,
                                    weights_key=f"{model.weights_key}/{call.layer.name}")
                outs = self.inline(scoped, args, depth + 1)
            else:
                flat = self.flat_layer(model.weights_key, call.layer)
                outs = [(flat.name, self.emit(flat, args), 0)]
            for k, ref in enumerate(outs):
                local[(call.layer.name, call.node, k)] = ref
        return [local.get(r, r) for r in inner.outputs]


def flatten_nested(spec: KerasModelSpec,
                   parse: Callable[[dict], KerasModelSpec]) -> KerasModelSpec:
    """``spec`` with every nested model's calls inlined (``spec`` itself when none is)."""
    if not any(is_nested_model(layer) for layer in spec.layers.values()):
        return spec
    return _Flattener(spec, parse).run()
