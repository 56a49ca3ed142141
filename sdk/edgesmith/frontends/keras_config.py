"""Read a Keras model config (Keras 2 or Keras 3) into one plain description.

Keras writes the same model three ways: Keras 2 JSON (``Sequential`` config
as a list or a dict; functional ``inbound_nodes`` as nested lists), Keras 3
(``inbound_nodes`` as ``{"args": [...], "kwargs": {...}}`` with
``keras_history``), and single refs written flat (``["in", 0, 0]``) or nested.
:func:`parse_model_config` turns any of them into a :class:`KerasModelSpec`:
the layers, and the layer calls in an order where every call's inputs exist.
Nothing here imports Keras or executes anything from the config.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..errors import ModelFormatError, UnsupportedError
from .keras_schema import check_model_config

#: (layer name, node index, tensor index): one output of one call of a layer
TensorRef = tuple[str, int, int]


@dataclass
class KerasLayer:
    name: str
    class_name: str
    config: dict
    #: Keras 3 writes the defining module and, for custom objects, a registered name
    module: str | None = None
    registered_name: str | None = None
    #: where the layer's weights live: its name, or ``model/name`` inside a nested model
    weights_key: str = ""

    def __post_init__(self):
        self.weights_key = self.weights_key or self.name

    @property
    def label(self) -> str:
        return f"keras layer {self.name!r} ({self.class_name})"


@dataclass
class LayerCall:
    layer: KerasLayer
    node: int
    inputs: list[TensorRef]


@dataclass
class KerasModelSpec:
    name: str
    layers: dict[str, KerasLayer] = field(default_factory=dict)
    calls: list[LayerCall] = field(default_factory=list)
    #: input layer name -> full shape including the batch dimension (None = any)
    input_shapes: dict[str, list] = field(default_factory=dict)
    inputs: list[TensorRef] = field(default_factory=list)
    outputs: list[TensorRef] = field(default_factory=list)


def _layer(entry: dict) -> KerasLayer:
    cfg = entry.get("config") or {}
    name = entry.get("name") or cfg.get("name")
    if not name or "class_name" not in entry:
        raise ModelFormatError(f"a layer entry has no name or class: {str(entry)[:200]}")
    return KerasLayer(name, entry["class_name"], cfg, entry.get("module"),
                      entry.get("registered_name"))


def _input_shape(layer: KerasLayer, fallback=None) -> list | None:
    cfg = layer.config
    shape = cfg.get("batch_shape") or cfg.get("batch_input_shape") or fallback
    return list(shape) if shape is not None else None


def _refs(value) -> list[TensorRef]:
    """``["a", 0, 0]`` or ``[["a", 0, 0], ...]`` as a list of refs."""
    if isinstance(value, list) and value and isinstance(value[0], str):
        value = [value]
    return [(str(r[0]), int(r[1]), int(r[2])) for r in value or []]


def _keras3_history(value, found: list[TensorRef]) -> None:
    """Collect every ``keras_history`` ref inside a Keras 3 call's args, in order."""
    if isinstance(value, dict):
        if value.get("class_name") == "__keras_tensor__":
            name, node, index = value["config"]["keras_history"]
            found.append((name, int(node), int(index)))
        else:
            for v in value.values():
                _keras3_history(v, found)
    elif isinstance(value, (list, tuple)):
        for v in value:
            _keras3_history(v, found)


def _node_inputs(layer: KerasLayer, node) -> list[TensorRef]:
    if isinstance(node, dict):  # Keras 3
        found: list[TensorRef] = []
        _keras3_history(node.get("args", []), found)
        kwargs: list[TensorRef] = []
        _keras3_history(node.get("kwargs", {}), kwargs)
        if kwargs:
            raise UnsupportedError(f"{layer.label}: tensors passed as keyword arguments "
                                   f"(e.g. masks) are not supported")
        return found
    return [(str(r[0]), int(r[1]), int(r[2])) for r in node]  # Keras 2: [name, node, index, kw]


def _sequential(config) -> KerasModelSpec:
    if isinstance(config, list):  # Keras 2.0 wrote the layer list alone
        config = {"layers": config}
    entries = config.get("layers") or []
    spec = KerasModelSpec(config.get("name") or "sequential")
    layers = [_layer(e) for e in entries]
    if not layers:
        raise ModelFormatError("the Sequential model has no layers")
    if layers[0].class_name == "InputLayer":
        first = layers.pop(0)
        shape = _input_shape(first)
    else:
        first = KerasLayer(f"{layers[0].name}_input", "InputLayer", {})
        shape = _input_shape(layers[0], config.get("build_input_shape"))
    if shape is None:
        raise UnsupportedError("the Sequential model has no input shape; build it "
                               "(e.g. start it with keras.Input(shape)) before importing")
    spec.input_shapes[first.name] = shape
    spec.inputs = [(first.name, 0, 0)]
    previous = spec.inputs[0]
    for layer in layers:
        spec.layers[layer.name] = layer
        spec.calls.append(LayerCall(layer, 0, [previous]))
        previous = (layer.name, 0, 0)
    spec.outputs = [previous]
    return spec


def _functional(config: dict) -> KerasModelSpec:
    spec = KerasModelSpec(config.get("name") or "model")
    pending: list[LayerCall] = []
    for entry in config.get("layers") or []:
        layer = _layer(entry)
        spec.layers[layer.name] = layer
        if layer.class_name == "InputLayer":
            spec.input_shapes[layer.name] = _input_shape(layer)
            continue
        for index, node in enumerate(entry.get("inbound_nodes") or []):
            pending.append(LayerCall(layer, index, _node_inputs(layer, node)))
    spec.inputs = _refs(config.get("input_layers"))
    spec.outputs = _refs(config.get("output_layers"))
    # order the calls so that each one's inputs are produced before it
    ready = set(spec.inputs)
    while pending:
        runnable = [c for c in pending if all(r in ready for r in c.inputs)]
        if not runnable:
            missing = sorted({r[0] for c in pending for r in c.inputs if r not in ready})
            raise ModelFormatError(f"the model config refers to tensors nobody produces: {missing}")
        for call in runnable:
            spec.calls.append(call)
            ready.update((call.layer.name, call.node, k) for k in range(_output_count(call.layer)))
            pending.remove(call)
    return spec


def _output_count(layer: KerasLayer) -> int:
    """Outputs of one call: a nested model has one per output layer, any other layer one."""
    if layer.class_name in ("Sequential", "Functional", "Model"):
        outputs = layer.config.get("output_layers")
        if outputs:
            return len(_refs(outputs))
    return 1


def parse_model_config(model_config: dict) -> KerasModelSpec:
    """The layers and calls of a serialized Keras model (``{"class_name", "config"}``), with
    the models nested inside it flattened into their layers (:mod:`.keras_nested`)."""
    from .keras_nested import flatten_nested

    return flatten_nested(_parse_one(model_config), _parse_one)


def _parse_one(model_config: dict) -> KerasModelSpec:
    check_model_config(model_config)
    if not isinstance(model_config, dict) or "class_name" not in model_config:
        raise ModelFormatError("not a Keras model config (no 'class_name')")
    kind, config = model_config["class_name"], model_config.get("config")
    if kind == "Sequential":
        return _sequential(config)
    if kind in ("Model", "Functional"):
        return _functional(config)
    raise UnsupportedError(f"Keras model class {kind!r} cannot be imported; only Sequential "
                           "and functional models can (subclassed models have no config)")
