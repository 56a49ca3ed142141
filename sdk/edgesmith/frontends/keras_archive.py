"""The weights of a Keras 3 ``.keras`` archive read as data (h5py), without importing
TensorFlow. ``model.weights.h5`` holds ``layers/<key>/vars/<k>``: the key is the layer's
class name in snake case, numbered ``_1``, ``_2``... among layers of that class in the
model's layer order (the order of the config), not the layer's name; the variables come in
the order each layer class creates them, which :data:`VARIABLES` states for the layers whose
weights edgesmith reads. Anything else (another layout, an unknown layer with variables, a
count that disagrees) returns None and the caller reads the archive with Keras instead."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from pathlib import Path

import numpy as np

from ..io.limits import MAX_DECOMPRESSED_BYTES, check_limit
from .keras_config import KerasModelSpec

WEIGHTS_MEMBER = "model.weights.h5"


def _with_bias(*names: str) -> Callable[[dict], list[str]]:
    return lambda cfg: [*names, *(["bias"] if cfg.get("use_bias", True) else [])]


def _batch_norm(cfg: dict) -> list[str]:
    return [*(["gamma"] if cfg.get("scale", True) else []),
            *(["beta"] if cfg.get("center", True) else []), "moving_mean", "moving_variance"]


#: layer class -> the names of its variables, in the order Keras 3 creates (and saves) them
VARIABLES: dict[str, Callable[[dict], list[str]]] = {
    "Dense": _with_bias("kernel"),
    "Conv1D": _with_bias("kernel"),
    "Conv2D": _with_bias("kernel"),
    "DepthwiseConv2D": _with_bias("kernel"),
    "SeparableConv2D": _with_bias("depthwise_kernel", "pointwise_kernel"),
    "BatchNormalization": _batch_norm,
}


def archive_weights(path: Path, archive: zipfile.ZipFile,
                    spec: KerasModelSpec) -> dict[str, dict[str, np.ndarray]] | None:
    """Layer name -> weight name -> array, or None when the archive is not laid out as
    this module knows."""
    from .h5_bounded import read_bounded

    try:
        info = archive.getinfo(WEIGHTS_MEMBER)
    except KeyError:
        return None
    check_limit(f"{path}: {WEIGHTS_MEMBER}", "the size in bytes", info.file_size,
                MAX_DECOMPRESSED_BYTES)
    blob = archive.read(WEIGHTS_MEMBER)
    stored = read_bounded(path, lambda: _read_vars(path, blob))
    keys = _storage_keys(spec)
    if stored is None or set(stored) - set(keys.values()):
        return None  # variables of layers the config does not list (nested models)
    table = {}
    for name, layer in spec.layers.items():
        arrays = stored.get(keys[name], [])
        if not arrays:
            continue
        names = VARIABLES.get(layer.class_name)
        expected = names(layer.config) if names else None
        if expected is None or len(expected) != len(arrays):
            return None
        table[name] = dict(zip(expected, arrays))
        if not _sizes_agree(layer, table[name]):
            return None
    return table


def _storage_keys(spec: KerasModelSpec) -> dict[str, str]:
    """Layer name -> its group in the weights file."""
    used: dict[str, int] = {}
    keys = {}
    for name, layer in spec.layers.items():
        base = _snake_case(layer.class_name)
        count = used.get(base)
        used[base] = 0 if count is None else count + 1
        keys[name] = base if count is None else f"{base}_{count + 1}"
    return keys


def _snake_case(class_name: str) -> str:
    """"GlobalAveragePooling2D" -> "global_average_pooling2d", "ReLU" -> "re_lu": an
    underscore before a capital that starts a lower-case word or follows a lower-case
    letter."""
    text = "".join(c for c in class_name if c.isalnum() or c == "_")
    out = []
    for i, c in enumerate(text):
        if i and c.isupper() and ((i + 1 < len(text) and text[i + 1].islower())
                                  or text[i - 1].islower()):
            out.append("_")
        out.append(c)
    return "".join(out).lower()


def _sizes_agree(layer, weights: dict[str, np.ndarray]) -> bool:
    """The kernel's output size is the one the config declares (units, filters)."""
    size = layer.config.get("units", layer.config.get("filters"))
    kernel = weights.get("pointwise_kernel", weights.get("kernel"))
    return size is None or kernel is None or \
        (kernel.ndim > 0 and kernel.shape[-1] == int(size))


def _read_vars(path: Path, blob: bytes) -> dict[str, list[np.ndarray]] | None:
    """Storage key -> that layer's variables in order, or None for another layout."""
    import h5py

    from .keras_schema import read_weight_dataset

    with h5py.File(io.BytesIO(blob), "r") as f:
        layers, own = f.get("layers"), f.get("vars")
        if not isinstance(layers, h5py.Group) or (own is not None and len(own)):
            return None
        stored = {}
        for key, group in layers.items():
            variables = group.get("vars") if isinstance(group, h5py.Group) else None
            if variables is None or set(group) != {"vars"}:
                return None  # a nested model or layer: Keras knows how to read it
            if sorted(variables) != sorted(str(k) for k in range(len(variables))):
                return None
            stored[key] = [read_weight_dataset(variables[str(k)], f"{path}: weights "
                                               f"{key!r} variable {k}")
                           for k in range(len(variables))]
        return stored
