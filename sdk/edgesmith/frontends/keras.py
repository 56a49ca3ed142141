"""Import Keras models as float graphs.

Accepted sources, all giving the same IR:

* a Keras 3 ``.keras`` archive: its ``config.json`` is checked first (so a
  Lambda or custom layer is refused before Keras deserializes anything), then
  Keras loads it with ``safe_mode=True``;
* a legacy full-model ``.h5`` and an architecture ``.json`` with a
  weights-only ``.h5`` (Keras 2 or 3): read as data, the config with ``json``
  and the arrays with ``h5py``. No code from the file is executed and
  TensorFlow is not needed, which also makes Keras 2 files that Keras 3
  refuses importable. (A ``.json`` paired with a Keras 3 ``.weights.h5``,
  whose arrays are stored by index only, goes through Keras instead.)
* an in-memory ``keras.Model`` (Sequential or functional).

Layer conversion is in :mod:`.keras_layers` and :mod:`.keras_conv`.
"""

from __future__ import annotations

import os
import zipfile
import re
import zlib
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import KerasSchemaError, ModelFormatError, UnsupportedError
from ..io.unicode_text import load_json_text
from ..ir import Graph
from .keras_config import KerasLayer, parse_model_config
from .keras_graph import WeightSource, build_graph, refuse_unsupported
from .h5_bounded import read_bounded
from .keras_schema import CONFIG_SOURCE, read_weight_dataset

KERAS_SUFFIXES = (".keras", ".h5", ".hdf5", ".json")


def load_keras(source: str | os.PathLike | Any, weights: str | os.PathLike | None = None) -> Graph:
    """The float graph (every ``fmt`` None) of a Keras model file or ``keras.Model``.

    ``weights`` is the weights ``.h5`` of an architecture ``.json``; it is
    ignored for the other sources. Raises :class:`ModelFormatError` for a
    missing, truncated or malformed file and :class:`UnsupportedError` for a
    layer or setting edgesmith cannot convert.
    """
    if not isinstance(source, (str, os.PathLike)):
        return _from_model(source, {})
    path = _existing(source)
    suffix = path.suffix.lower()
    try:
        if suffix == ".keras":
            return _from_keras_archive(path)
        if suffix in (".h5", ".hdf5"):
            return _from_h5_model(path)
        if suffix == ".json":
            return _from_json(path, weights)
    except KerasSchemaError as exc:  # config checks do not know the file: name it
        if exc.message.startswith(CONFIG_SOURCE):
            raise KerasSchemaError(f"{path}{exc.message[len(CONFIG_SOURCE):]}",
                                   hint=exc.hint) from None
        raise
    raise ModelFormatError(f"{path}: not a Keras model file; expected one of "
                           f"{', '.join(KERAS_SUFFIXES)}")


def _existing(source: str | os.PathLike) -> Path:
    path = Path(source)
    if not path.is_file():
        raise ModelFormatError(f"{path}: no such file")
    return path


def import_keras():
    """The ``keras`` module, imported the way edgesmith needs it.

    OR-tools (the optimal arena planner's CP-SAT solver) is imported first
    when installed: with TensorFlow loaded before it, a later CP-SAT solve
    crashes the whole process (segfault, seen with tensorflow-cpu 2.21 and
    ortools 9.15); loaded in the other order both work. Code that imports
    Keras itself should do so through this function.
    """
    try:
        import ortools.sat.python.cp_model  # noqa: F401  (must load before TensorFlow)
    except ImportError:
        pass
    # TensorFlow's C++ and Python logs are not ours to show (a user's own setting wins)
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    try:
        import keras
    except ImportError:
        raise UnsupportedError("this needs Keras; install edgesmith[keras]") from None
    _quiet_tensorflow()
    return keras


def _quiet_tensorflow() -> None:
    import logging

    for name in ("tensorflow", "absl", "h5py"):
        logging.getLogger(name).setLevel(logging.ERROR)


# -- in-memory models ------------------------------------------------------------
def _from_model(model, meta: dict) -> Graph:
    keras = import_keras()
    if not isinstance(model, keras.Model):
        raise ModelFormatError(f"expected a keras.Model, got {type(model).__name__}")
    # check the live layer classes first: a custom layer may not even serialize
    by_key = _live_layers(keras, model)
    if any(_quantized_library({"module": type(layer).__module__,
                               "class_name": type(layer).__name__}, model.name) == "hgq"
           for layer in by_key.values()):
        from .keras_hgq import graph_of_model, import_hgq
        return graph_of_model(import_hgq(), model, meta)
    refuse_unsupported([KerasLayer(layer.name, type(layer).__name__, {}, type(layer).__module__)
                        for layer in by_key.values()])
    kind = "Sequential" if isinstance(model, keras.Sequential) else "Functional"
    try:
        config = model.get_config()
    except NotImplementedError:
        config = None
    if not isinstance(config, dict) or "layers" not in config:
        raise UnsupportedError(f"keras model {model.name!r} ({type(model).__name__}) is a "
                               "subclassed model; build it with the Sequential or functional API")

    def layer_weights(key: str) -> dict[str, np.ndarray]:
        layer = by_key.get(key)
        if layer is None:
            return {}
        return {_short_weight_name(w.name): np.asarray(w.numpy()) for w in layer.weights}

    spec = parse_model_config({"class_name": kind, "config": config})
    return build_graph(spec, layer_weights, meta)


def _live_layers(keras, model, scope: str = "") -> dict:
    """The plain layers of ``model`` by weights key (``name``, or ``outer/name`` for a layer
    of a model nested inside it), nested models opened."""
    found = {}
    for layer in model.layers:
        key = f"{scope}{layer.name}"
        if isinstance(layer, keras.Model):
            found.update(_live_layers(keras, layer, f"{key}/"))
        else:
            found[key] = layer
    return found


def _short_weight_name(name: str) -> str:
    """'dense_1/kernel:0' (Keras 2), 'd1/kernel' (Keras 3 h5) or 'kernel' -> 'kernel'."""
    return name.split("/")[-1].split(":")[0]


def _quantized_library(config, source: str) -> str | None:
    """"hgq" when a layer of the config comes from HGQ2; QKeras layers are refused here."""
    from .keras_hgq import is_hgq_layer, is_qkeras_layer, refuse_qkeras

    stack, found = [config], None
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            if "class_name" in item:
                module, registered = item.get("module"), item.get("registered_name")
                if is_qkeras_layer(module, registered, str(item["class_name"])):
                    raise refuse_qkeras(source)
                if is_hgq_layer(module, registered):
                    found = "hgq"
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return found


def _refuse_quantized_keras2(config, path: Path) -> None:
    """QKeras (and HGQ2 layers, which only a .keras archive holds) in a legacy file."""
    if _quantized_library(config, str(path)) == "hgq":
        raise UnsupportedError(f"{path}: HGQ2 layers in a legacy file; save the HGQ2 model as "
                               ".keras (model.save('model.keras')) and import that")


# -- .keras archives -------------------------------------------------------------
def _from_keras_archive(path: Path) -> Graph:
    from .keras_archive import archive_weights

    try:
        with zipfile.ZipFile(path) as archive:
            config = load_json_text(archive.read("config.json"), f"{path}: config.json")
            if _quantized_library(config, str(path)) == "hgq":
                from .keras_hgq import load_hgq
                return load_hgq(path)
            spec = parse_model_config(config)
            refuse_unsupported(list(spec.layers.values()))
            # read as data, without TensorFlow, when the layout is the one Keras 3 writes
            table = archive_weights(path, archive, spec)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, EOFError, NotImplementedError,
            zlib.error, RecursionError) as exc:  # what a damaged ZIP member raises
        raise ModelFormatError(f"{path}: not a readable .keras archive ({exc})") from None
    if table is not None:
        return build_graph(spec, _lookup(table), {"path": str(path)})
    return _from_keras_archive_with_keras(path)


def _from_keras_archive_with_keras(path: Path) -> Graph:
    """Keras itself loads the archive (safe mode): layouts the data reader does not know."""
    keras = import_keras()
    try:
        model = keras.saving.load_model(path, compile=False, safe_mode=True)
    except Exception as exc:  # noqa: BLE001  (Keras raises many types for a damaged archive)
        raise ModelFormatError(f"{path}: Keras could not load it "
                               f"({type(exc).__name__}: {exc})") from None
    return _from_model(model, {"path": str(path)})


# -- HDF5 and JSON, read as data ------------------------------------------------------
def _read_h5(path: Path, read):
    """``read(h5file)`` with any HDF5 failure reported as a ModelFormatError on ``path``,
    in a child process with a time limit (libhdf5 can loop on a damaged file)."""
    import h5py

    def bounded():
        try:
            with h5py.File(path, "r") as f:
                return read(f)
        except (OSError, KeyError, ValueError, TypeError, RuntimeError) as exc:  # h5py's kinds
            raise ModelFormatError(f"{path}: not a readable Keras HDF5 file ({exc})") from None

    return read_bounded(path, bounded)


def _text(value) -> str:
    return value.decode("utf-8") if isinstance(value, bytes) else str(value)


def _lookup(table: dict[str, dict[str, np.ndarray]]) -> WeightSource:
    return lambda name: table.get(name, {})


def _legacy_weights(group) -> dict[str, dict[str, np.ndarray]]:
    """Arrays of a Keras weights group (``layer_names`` / ``weight_names`` attributes), by
    weights key: a nested model's group holds its layers' weights as ``[model/]layer/w``."""
    table: dict[str, dict[str, np.ndarray]] = {}
    for layer in (_text(n) for n in group.attrs["layer_names"]):
        layer_group = group[layer]
        table.setdefault(layer, {})
        for n in (_text(n) for n in layer_group.attrs.get("weight_names", [])):
            table.setdefault(_weights_key(layer, n), {})[_short_weight_name(n)] = \
                read_weight_dataset(layer_group[n],
                                    f"{group.file.filename}: layer {layer!r} weight {n!r}")
    return table


#: the cell a Keras 2 recurrent layer keeps its weights in (``lstm/lstm_cell/kernel:0``)
_KERAS2_RNN_CELL = re.compile(r"(lstm|gru|simple_rnn)_cell(_\d+)?")


def _weights_key(layer: str, weight_name: str) -> str:
    """The weights key a stored weight of group ``layer`` belongs to. The stored name is the
    weight's path, with or without the enclosing model's name in front: ``dense/kernel:0``
    and ``sequential/dense/kernel`` in group ``dense`` are ``dense``'s; ``bb/c1/kernel`` (Keras
    3) or ``c1/kernel:0`` (Keras 2) in a nested model's group ``bb`` are ``bb/c1``'s."""
    parts = weight_name.split("/")[:-1]
    if layer in parts:
        parts = parts[parts.index(layer) + 1:]
    if parts and _KERAS2_RNN_CELL.fullmatch(parts[-1]):  # a Keras 2 RNN's own cell: its weights
        parts = parts[:-1]
    return "/".join([layer, *parts]) if parts else layer


def _from_h5_model(path: Path) -> Graph:
    def read(f):
        if "model_config" not in f.attrs:
            raise ModelFormatError(f"{path}: holds weights only (no model config); pass the "
                                   "architecture .json as the model and this file as weights")
        config = load_json_text(_text(f.attrs["model_config"]), f"{path}: model_config")
        group = f.get("model_weights", f)
        return config, _legacy_weights(group), _text(f.attrs.get("keras_version", ""))

    config, table, version = _read_h5(path, read)
    _refuse_quantized_keras2(config, path)
    return build_graph(parse_model_config(config), _lookup(table),
                       _with_version({"path": str(path)}, version))


def _with_version(meta: dict, version) -> dict:
    """``meta`` with the Keras version that wrote the file, when it says (Keras 2 defines
    some activations differently)."""
    return {**meta, "keras_version": str(version)} if version else meta


def _from_json(path: Path, weights: str | os.PathLike | None) -> Graph:
    if weights is None:
        raise ModelFormatError(f"{path}: an architecture JSON needs its weights .h5 "
                               "(load_keras(json_path, weights=h5_path))")
    try:
        text = path.read_text()
        config = load_json_text(text, str(path))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise ModelFormatError(f"{path}: not a readable Keras JSON config ({exc})") from None
    _refuse_quantized_keras2(config, path)
    spec = parse_model_config(config)
    refuse_unsupported(list(spec.layers.values()))
    weights_path = _existing(weights)
    legacy = _read_h5(weights_path, lambda f: "layer_names" in f.attrs)
    meta = _with_version({"path": str(path), "weights": str(weights_path)},
                         config.get("keras_version") if isinstance(config, dict) else None)
    if legacy:
        table = _read_h5(weights_path, _legacy_weights)
        return build_graph(spec, _lookup(table), meta)
    # a Keras 3 .weights.h5 stores arrays by index: let Keras place them
    keras = import_keras()
    try:
        model = keras.models.model_from_json(text)
        model.load_weights(weights_path)
    except Exception as exc:  # noqa: BLE001  (Keras raises many types for mismatched files)
        raise ModelFormatError(f"{weights_path}: Keras could not load these weights into "
                               f"{path} ({type(exc).__name__}: {exc})") from None
    return _from_model(model, meta)
