"""Type checks of a Keras model config and of every weight array, before conversion.

Keras configs are JSON written by Keras 2 or 3; the importer reads them as data.
A damaged or hostile config (a layer name that is a number, a stride of 0, a
node that is not a list) would otherwise fail deep inside a converter or loop
for ever. :func:`check_model_config` checks the structure the importer walks
and the value of every setting it reads; :func:`check_layer_weights` checks
each weight array's dtype, rank, size and finiteness. Refusals are
:class:`KerasSchemaError` naming the layer and the key.
"""

from __future__ import annotations

import math

import numpy as np

from ..errors import KerasSchemaError
from ..io.limits import MAX_WINDOW, check_shape, flat_ints

_HINT = "the model file is damaged; save the model again from Keras"
#: settings that are a window size or count: an int or a list of ints in [low, MAX_WINDOW]
_WINDOW_KEYS = {"kernel_size": 1, "strides": 1, "pool_size": 1, "dilation_rate": 1,
                "depth_multiplier": 1, "groups": 1}
#: settings a converter reads without a default
_REQUIRED = {"Conv1D": ("kernel_size",), "Conv2D": ("kernel_size",), "Reshape": ("target_shape",)}
#: settings that are a positive count of units or channels
_COUNT_KEYS = ("units", "filters")
_BOOL_KEYS = ("use_bias", "center", "scale")
_STRING_KEYS = ("padding", "data_format")
_NUMBER_KEYS = ("epsilon", "max_value", "negative_slope", "threshold")
#: settings that hold a number or a (nested) list of numbers, per layer class
_NUMBERS_KEYS = {"Rescaling": ("scale", "offset"), "Normalization": ("mean", "variance"),
                 "LeakyReLU": ("alpha",)}
_SHAPE_KEYS = ("batch_input_shape", "batch_shape")
#: the rank of each weight a layer converter reads (other weights are refused later)
_WEIGHT_RANKS = {
    "Dense": {"kernel": 2, "bias": 1},
    "Conv2D": {"kernel": 4, "bias": 1}, "Conv1D": {"kernel": 3, "bias": 1},
    "Conv2DTranspose": {"kernel": 4, "bias": 1},
    "DepthwiseConv2D": {"depthwise_kernel": 4, "kernel": 4, "bias": 1},
    "SeparableConv2D": {"depthwise_kernel": 4, "pointwise_kernel": 4, "bias": 1},
    "BatchNormalization": {"gamma": 1, "beta": 1, "moving_mean": 1, "moving_variance": 1},
}


def _fail(where: str, what: str) -> KerasSchemaError:
    return KerasSchemaError(f"{where}: {what}", hint=_HINT)


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


#: how config errors name their source; the file loader puts the file's path in its place
CONFIG_SOURCE = "keras model config"


def check_model_config(model_config, source: str = CONFIG_SOURCE) -> None:
    """Raise :class:`KerasSchemaError` unless the config has the types the importer reads."""
    if not isinstance(model_config, dict) or "class_name" not in model_config:
        return  # parse_model_config refuses it with its own message
    config = model_config.get("config")
    if isinstance(config, (list, tuple)) and model_config["class_name"] == "Sequential":
        # Keras 2.0 Sequential: the layer list alone
        config = {"layers": config}
    if not isinstance(config, dict):
        raise _fail(source, f"'config' must be an object, got {type(config).__name__}")
    if config.get("name") is not None and not isinstance(config.get("name"), str):
        raise _fail(source, f"the model name must be a string, got {config['name']!r}")
    layers = config.get("layers")
    if layers is None:
        layers = []
    if not isinstance(layers, (list, tuple)):
        raise _fail(source, f"'layers' must be a list, got {type(layers).__name__}")
    seen: set[str] = set()
    calls: set[tuple] = set()  # (layer, node, 0): the tensors the layer calls produce
    for k, entry in enumerate(layers):
        name = _check_layer(source, k, entry)
        if name in seen:
            raise _fail(source, f"layer name {name!r} is used twice")
        seen.add(name)
        nodes = entry.get("inbound_nodes") or []
        n_calls = 1 if entry["class_name"] == "InputLayer" else len(nodes)
        calls.update((name, node, 0) for node in range(n_calls))
    for key in ("input_layers", "output_layers"):
        if key in config and config[key] is not None:
            _check_refs(f"{source}: {key}", config[key], calls)
    build = config.get("build_input_shape")
    if build is not None:
        _check_shape_setting(f"{source}: build_input_shape", build)


def _check_layer(source: str, k: int, entry) -> str:
    where = f"{source}: layers/{k}"
    if not isinstance(entry, dict):
        raise _fail(where, f"expected an object, got {type(entry).__name__}")
    cfg = entry.get("config", {})
    if cfg is None:
        cfg = {}
    if not isinstance(cfg, dict):
        raise _fail(where, f"'config' must be an object, got {type(cfg).__name__}")
    name = entry.get("name") or cfg.get("name")
    for key, value in (("class_name", entry.get("class_name")), ("name", name)):
        if not isinstance(value, str) or not value:
            raise _fail(where, f"{key} must be a non-empty string, got {value!r}")
    for key in ("name", "module", "registered_name"):
        for holder in (entry, cfg) if key == "name" else (entry,):
            if holder.get(key) is not None and not isinstance(holder.get(key), str):
                raise _fail(where, f"{key} must be a string, got {holder[key]!r}")
    where = f"{source}: layer {name!r} ({entry['class_name']})"
    _check_settings(where, entry["class_name"], cfg)
    nodes = entry.get("inbound_nodes", [])
    if nodes is not None and not isinstance(nodes, (list, tuple)):
        raise _fail(where, f"inbound_nodes must be a list, got {type(nodes).__name__}")
    for n, node in enumerate(nodes or []):
        _check_node(f"{where}: inbound_nodes/{n}", node)
    return name


def _finite_numbers(value, depth: int = 0) -> bool:
    """A finite number, or a list of them nested at most 8 deep."""
    if isinstance(value, (list, tuple)):
        return depth < 8 and all(_finite_numbers(v, depth + 1) for v in value)
    return isinstance(value, (int, float)) and not isinstance(value, bool) \
        and math.isfinite(value)


def _check_settings(where: str, class_name: str, cfg: dict) -> None:
    for key in _REQUIRED.get(class_name, ()):
        if cfg.get(key) is None:
            raise _fail(where, f"the setting {key!r} is missing")
    for key, low in _WINDOW_KEYS.items():
        if key in cfg and cfg[key] is None and not (key == "strides" and "Pooling" in class_name):
            raise _fail(where, f"{key} is null; expected integers in [{low}, {MAX_WINDOW}]")
        if key in cfg and cfg[key] is not None:
            values = cfg[key] if isinstance(cfg[key], (list, tuple)) else [cfg[key]]
            if not values or not all(_is_int(v) and low <= v <= MAX_WINDOW for v in values):
                raise _fail(where, f"{key} {cfg[key]!r}: expected integers in "
                                   f"[{low}, {MAX_WINDOW}]")
    for key in _COUNT_KEYS:
        if key in cfg and not (_is_int(cfg[key]) and cfg[key] >= 1):
            raise _fail(where, f"{key} {cfg[key]!r}: expected a positive integer")
    numbers = _NUMBERS_KEYS.get(class_name, ())
    for key in numbers:
        if cfg.get(key) is not None and not _finite_numbers(cfg[key]):
            raise _fail(where, f"{key} {str(cfg[key])[:80]}: expected a finite number or a "
                               "list of finite numbers")
    for key in _BOOL_KEYS:
        if key in cfg and key not in numbers and not isinstance(cfg[key], bool):
            raise _fail(where, f"{key} {cfg[key]!r}: expected true or false")
    for key in _STRING_KEYS:
        if key in cfg and cfg[key] is not None and not isinstance(cfg[key], str) \
                and key != "padding":
            raise _fail(where, f"{key} {cfg[key]!r}: expected a string")
    for key in _NUMBER_KEYS:
        value = cfg.get(key)
        if value is not None and (isinstance(value, bool) or not isinstance(value, (int, float))
                                  or not math.isfinite(value)):
            raise _fail(where, f"{key} {value!r}: expected a finite number")
    padding = cfg.get("padding")
    if padding is not None and not isinstance(padding, str):
        flat = flat_ints(padding)
        if flat is None or not all(_is_int(v) and 0 <= v <= MAX_WINDOW for v in flat):
            raise _fail(where, f"padding {padding!r}: expected a mode name or integers in "
                               f"[0, {MAX_WINDOW}]")
    for key in _SHAPE_KEYS:
        if cfg.get(key) is not None:
            _check_shape_setting(f"{where}: {key}", cfg[key])
    if "target_shape" in cfg:
        shape = cfg["target_shape"]
        if not isinstance(shape, (list, tuple)) or not all(_is_int(d) and (d >= 1 or d == -1)
                                                  for d in shape):
            raise _fail(where, f"target_shape {shape!r}: expected positive integers (one -1)")
        check_shape(f"{where}: target_shape", [abs(d) for d in shape])
    axis = cfg.get("axis")
    if axis is not None:
        flat = axis if isinstance(axis, (list, tuple)) else [axis]
        if not all(_is_int(a) and abs(a) <= 8 for a in flat):
            raise _fail(where, f"axis {axis!r}: expected an integer")
    activation = cfg.get("activation")
    if activation is not None and not isinstance(activation, (str, dict)):
        raise _fail(where, f"activation {activation!r}: expected a name")


def _check_shape_setting(where: str, shape) -> None:
    if not isinstance(shape, (list, tuple)) or not shape:
        raise _fail(where, f"expected a list, got {shape!r}")
    fixed = [d for d in shape[1:] if d is not None]
    if not all(_is_int(d) for d in fixed):
        raise _fail(where, f"expected integers or null, got {shape!r}")
    check_shape(where, fixed)


def _is_ref(value) -> bool:
    return (isinstance(value, (list, tuple)) and len(value) >= 3 and isinstance(value[0], str)
            and _is_int(value[1]) and _is_int(value[2]) and value[1] >= 0 and value[2] >= 0)


def _check_refs(where: str, value, produced: set[tuple] | None = None) -> None:
    """References ``[layer, node, tensor]``; with ``produced``, each must be one of those."""
    single = value and isinstance(value, (list, tuple)) and isinstance(value[0], str)
    refs = [value] if single else value
    if not isinstance(refs, (list, tuple)) or not all(_is_ref(r) for r in refs):
        raise _fail(where, f"expected [layer name, node, tensor] references, got {value!r}"[:300])
    unknown = [list(r[:3]) for r in refs
               if produced is not None and (r[0], r[1], r[2]) not in produced]
    if unknown:
        raise _fail(where, f"refers to tensors no layer call produces: {unknown}"[:300])


def _check_node(where: str, node) -> None:
    """A layer call: Keras 3 ``{"args", "kwargs"}`` or Keras 2 ``[[name, node, tensor, kw]]``,
    reading at least one tensor."""
    if isinstance(node, dict):  # Keras 3: tensors in args/kwargs carry a keras_history
        found = _check_history(where, node, depth=0)
    elif isinstance(node, (list, tuple)):
        _check_refs(where, node)
        found = len(node)
    else:
        raise _fail(where, f"expected a list or an object, got {node!r}"[:300])
    if not found:
        raise _fail(where, "the layer call reads no tensor")


def _check_history(where: str, value, depth: int) -> int:
    """How many ``keras_history`` refs ``value`` holds, each checked."""
    if depth > 32:
        raise _fail(where, "nested too deeply")
    if isinstance(value, dict):
        if value.get("class_name") == "__keras_tensor__":
            cfg = value.get("config")
            history = cfg.get("keras_history") if isinstance(cfg, dict) else None
            if not _is_ref(history) or len(history) != 3:
                raise _fail(where, f"keras_history {history!r}: expected [layer, node, tensor]")
            return 1
        return sum(_check_history(where, v, depth + 1) for v in value.values())
    if isinstance(value, (list, tuple)):
        return sum(_check_history(where, v, depth + 1) for v in value)
    return 0


def check_layer_weights(layer, arrays: dict, source: str) -> dict[str, np.ndarray]:
    """``arrays`` (weight name -> array of ``layer``) after checking dtype, rank, size and
    values; the converter then reads them as float32."""
    ranks = _WEIGHT_RANKS.get(layer.class_name, {})
    checked = {}
    for name, value in arrays.items():
        where = f"{source}: {layer.label}: weight {name!r}"
        array = np.asarray(value)
        if array.dtype.kind not in "fiu":
            raise _fail(where, f"holds {array.dtype} data, expected numbers")
        check_shape(where, list(array.shape), allow_zero=True)
        if name in ranks and array.ndim != ranks[name]:
            raise _fail(where, f"has shape {list(array.shape)}, expected rank {ranks[name]}")
        if array.dtype.kind == "f" and not np.all(np.isfinite(array)):
            raise _fail(where, "holds NaN or infinite values")
        checked[name] = array
    _check_bias(layer, checked, source)
    return checked


def _check_bias(layer, arrays: dict, source: str) -> None:
    """A bias has one value per output channel (the kernel's last axis; a transposed
    convolution's kernel has them on the one before)."""
    kernel = arrays.get("pointwise_kernel", arrays.get("kernel"))
    bias = arrays.get("bias")
    if kernel is None or bias is None or kernel.ndim == 0 or layer.class_name == "DepthwiseConv2D":
        return
    out_axis = -2 if layer.class_name.endswith("Transpose") and kernel.ndim > 1 else -1
    if bias.shape != (kernel.shape[out_axis],):
        raise _fail(f"{source}: {layer.label}", f"bias of shape {list(bias.shape)} does not "
                                                f"match a kernel of shape {list(kernel.shape)}")


def read_weight_dataset(dataset, where: str) -> np.ndarray:
    """The array of an HDF5 weight dataset, its declared size checked before reading."""
    import h5py

    if not isinstance(dataset, h5py.Dataset):
        raise _fail(where, f"is a {type(dataset).__name__}, expected an array dataset")
    check_shape(where, list(dataset.shape or ()), allow_zero=True)
    if dataset.dtype.kind not in "fiu":
        raise _fail(where, f"holds {dataset.dtype} data, expected numbers")
    return np.asarray(dataset[()])
