"""Import HGQ2 models (Keras 3 quantization-aware training for FPGAs) as fixed-point graphs.

A ``.keras`` archive whose layers come from the ``hgq`` package is loaded by Keras with
HGQ2 imported (its layers register themselves), then read layer by layer into steps
(:mod:`.hgq_graph`): each quantizer's per-element ``ap_fixed`` formats
(:mod:`.hgq_formats`) and each dense layer's weights and bias as HGQ2 quantized them.
Nothing is re-quantized: the graph is fixed-point already, like an int8 ``.tflite``.

Mapped: ``QDense`` (activation linear or relu; input quantizer; optional output
quantizer), standalone ``Quantizer`` layers, and the inference no-ops (``Dropout``).
Everything else (convolutions, einsum, batch-norm-fused dense, table layers, softmax) is
refused by name. QKeras models (Keras 2 only) are refused with what to do instead.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from ..errors import ModelFormatError, UnsupportedError
from ..ir import Graph
from .hgq_formats import element_formats
from .hgq_graph import Dense, Quant, emit_graph

#: the layer classes this importer maps; inference no-ops pass through
MAPPED = ("QDense", "Quantizer")
PASS_THROUGH = ("InputLayer", "Dropout")


def _text(value) -> str:
    """A layer config's module or registered name as the file has it: any JSON value, which
    means something only as a string."""
    return value if isinstance(value, str) else ""


def is_hgq_layer(module, registered_name) -> bool:
    return _text(module).startswith("hgq") or _text(registered_name).startswith("hgq>")


def is_qkeras_layer(module, registered_name, class_name: str) -> bool:
    return _text(module).startswith("qkeras") or \
        _text(registered_name).lower().startswith("qkeras") or \
        class_name in ("QActivation", "QConv2DBatchnorm", "QDenseBatchnorm")


def refuse_qkeras(source: str) -> UnsupportedError:
    return UnsupportedError(
        f"{source}: a QKeras model; QKeras needs Keras 2 and cannot load beside Keras 3",
        hint="retrain it with HGQ2 (pip install edgesmith[hgq]), or export the float model "
             "and quantize it with edgesmith")


def import_hgq():
    """Keras with HGQ2's layers registered (on the TensorFlow backend unless set)."""
    os.environ.setdefault("KERAS_BACKEND", "tensorflow")
    from .keras import import_keras

    keras = import_keras()
    try:
        import hgq  # noqa: F401  (registers HGQ2's serializable layers)
    except ImportError:
        raise UnsupportedError("this is an HGQ2 model; reading it needs HGQ2: "
                               "install edgesmith[hgq]") from None
    return keras


def load_hgq(source) -> Graph:
    """The fixed-point graph of an HGQ2 ``.keras`` file or in-memory model."""
    keras = import_hgq()
    meta = {}
    if isinstance(source, (str, os.PathLike)):
        path = Path(source)
        try:
            model = keras.saving.load_model(path, compile=False, safe_mode=True)
        except Exception as exc:  # noqa: BLE001  (Keras raises many types for a bad archive)
            raise ModelFormatError(f"{path}: Keras could not load this HGQ2 model "
                                   f"({type(exc).__name__}: {exc})") from None
        meta["path"] = str(path)
    else:
        model = source
    return graph_of_model(keras, model, meta)


def _chain(keras, model) -> list:
    """The model's layers in order, checked to form one chain (each reads the previous)."""
    layers = [layer for layer in model.layers if type(layer).__name__ != "InputLayer"]
    if len(model.inputs) != 1 or len(model.outputs) != 1:
        raise UnsupportedError("HGQ2 models with several inputs or outputs are not supported")
    if isinstance(model, keras.Sequential):  # a chain by construction
        return layers
    previous = _producer(model.inputs[0])
    for layer in layers:
        nodes = getattr(layer, "_inbound_nodes", None) or []
        inputs = list(nodes[0].input_tensors) if len(nodes) == 1 else []
        if len(inputs) != 1 or _producer(inputs[0]) is not previous:
            raise UnsupportedError(f"HGQ2 layer {layer.name!r} does not read the previous "
                                   "layer's output; only a chain of layers is supported")
        previous = layer
    return layers


def _producer(tensor):
    """The layer that wrote a symbolic Keras tensor."""
    history = getattr(tensor, "_keras_history", None)
    return history[0] if history else None


def _refuse_layer(layer) -> UnsupportedError:
    kind = type(layer).__name__
    return UnsupportedError(f"HGQ2 model layer {layer.name!r} ({kind}) is not supported; "
                            f"supported: {', '.join(MAPPED + PASS_THROUGH)} "
                            "(QDense with linear or relu activation)")


def _activation(layer) -> str:
    name = getattr(layer.activation, "__name__", str(layer.activation))
    if name == "linear":
        return "none"
    if name == "relu":
        return "relu"
    raise UnsupportedError(f"HGQ2 layer {layer.name!r} applies activation {name!r} in floats "
                           "after its quantized sum, which has no bit-exact fixed-point form; "
                           "use linear or relu")


def _values(tensor) -> np.ndarray:
    from keras import ops

    return np.asarray(ops.convert_to_numpy(tensor), dtype=np.float64)


def graph_of_model(keras, model, meta: dict) -> Graph:
    """The fixed-point graph of a loaded HGQ2 ``keras.Model``."""
    meta = {**meta, "source": "hgq2", "quantized": "HGQ2 quantization-aware training"}
    if not isinstance(model, keras.Model):
        raise ModelFormatError(f"expected a keras.Model, got {type(model).__name__}")
    shape = tuple(model.inputs[0].shape)
    if len(shape) != 2 or shape[1] is None:
        raise UnsupportedError(f"HGQ2 model input of shape {list(shape)}: only a fixed-size "
                               "feature vector [batch, n] is supported")
    steps: list = []
    width = int(shape[1])
    for layer in _chain(keras, model):
        kind = type(layer).__name__
        module = type(layer).__module__
        if kind in PASS_THROUGH and module.startswith("keras"):
            continue
        if kind not in MAPPED or not module.startswith("hgq"):
            raise _refuse_layer(layer)
        where = f"HGQ2 layer {layer.name!r} ({kind})"
        if kind == "Quantizer":
            steps.append(Quant(layer.name, element_formats(layer, (1, width), where)))
            continue
        if getattr(layer, "lora_rank", None):
            raise UnsupportedError(f"{where}: LoRA is not supported")
        if layer.enable_iq:
            steps.append(Quant(f"{layer.name}_iq", element_formats(layer.iq, (1, width), where)))
        bias = _values(layer.qbias) if layer.bias is not None else None
        steps.append(Dense(layer.name, _values(layer.qkernel), bias, _activation(layer)))
        width = int(layer.units)
        if layer.enable_oq:
            steps.append(Quant(f"{layer.name}_oq", element_formats(layer.oq, (1, width), where)))
    return emit_graph(model.name, int(shape[1]), steps, meta)
