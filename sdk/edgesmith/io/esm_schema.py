"""The schema of an ``.esm`` file, checked before any of it becomes a graph.

:class:`EsmArchive` reads members with a bounded decompression (a damaged or
hostile archive cannot make edgesmith inflate gigabytes) and checks each
constant member against the SHA-256 the manifest records for it.
:func:`check_manifest` checks the manifest's types, names, shapes, dtypes and
number formats; every refusal is an :class:`EsmSchemaError` naming the file
and the manifest key. What the manifest means as a graph (wiring, shape
rules) is then checked by :func:`edgesmith.ir.verify_graph`.
"""

from __future__ import annotations

import hashlib
import io
import zipfile
import zlib
from pathlib import Path

import numpy as np

from ..errors import EsmSchemaError, ResourceLimitError
from ..ir import NumberFormat
from ..ir.graph import DTYPES
from ..ir.ops import OP_SPECS
from .limits import (MAX_DECOMPRESSED_BYTES, MAX_OPS, MAX_TENSORS, check_limit, check_shape)

MANIFEST = "manifest.json"
#: manifest key holding ``{member: sha256 hex}`` of every constant member
CHECKSUMS = "checksums"
HINT = "the file is damaged; write it again with 'edgesmith quantize'"


def sha256(blob: bytes) -> str:
    return hashlib.sha256(blob).hexdigest()


class EsmArchive:
    """Members of an ``.esm`` ZIP, read with a budget of decompressed bytes."""

    def __init__(self, path: Path, zf: zipfile.ZipFile):
        self.path, self.zf = path, zf
        self.budget = MAX_DECOMPRESSED_BYTES
        self.checksums: dict[str, str] = {}

    def read(self, member: str, key: str) -> bytes:
        """Member ``member`` (named in the manifest at ``key``), at most the remaining budget."""
        try:
            info = self.zf.getinfo(member)
        except KeyError:
            raise self.error(key, f"member {member!r} is not in the archive") from None
        check_limit(f"{self.path}: {key}", f"the size of member {member!r}", info.file_size,
                    self.budget)
        try:
            with self.zf.open(info) as fh:
                blob = fh.read(self.budget + 1)  # never trust the declared size alone
        except (zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError,
                NotImplementedError, RuntimeError) as exc:
            raise self.error(key, f"member {member!r} does not decompress "
                                  f"({type(exc).__name__}: {exc})") from None
        check_limit(f"{self.path}: {key}", f"the decompressed size of {member!r}", len(blob),
                    self.budget)
        self.budget -= len(blob)
        expected = self.checksums.get(member)
        if expected is not None and sha256(blob) != expected:
            raise self.error(key, f"member {member!r} does not match its SHA-256 checksum")
        return blob

    def array(self, member: str, key: str, shape: tuple, dtype: str) -> np.ndarray:
        blob = self.read(member, key)
        try:
            data = np.load(io.BytesIO(blob), allow_pickle=False)
        except (ValueError, OSError, EOFError, TypeError) as exc:
            raise self.error(key, f"member {member!r} is not a NumPy array ({exc})") from None
        if not isinstance(data, np.ndarray) or tuple(data.shape) != tuple(shape) \
                or str(data.dtype) != dtype:
            raise self.error(key, f"member {member!r} holds {getattr(data, 'dtype', '?')} "
                                  f"{list(getattr(data, 'shape', ()))}, the manifest declares "
                                  f"{dtype} {list(shape)}")
        return data

    def error(self, key: str, what: str) -> EsmSchemaError:
        return EsmSchemaError(f"{self.path}: {key}: {what}", hint=HINT)


def check_manifest(path: Path, manifest, archive: EsmArchive) -> list[NumberFormat | None]:
    """The number format of each manifest tensor; :class:`EsmSchemaError` unless
    ``manifest`` has the documented shape."""
    def fail(key: str, what: str) -> EsmSchemaError:
        return EsmSchemaError(f"{path}: manifest {key}: {what}", hint=HINT)

    if not isinstance(manifest, dict):
        raise fail("(top level)", f"expected an object, got {type(manifest).__name__}")
    for key, kind in (("name", str), ("inputs", list), ("outputs", list), ("meta", dict),
                      ("tensors", list), ("ops", list)):
        if not isinstance(manifest.get(key), kind):
            raise fail(key, f"expected {kind.__name__}, got {_kind(manifest.get(key))}")
    checksums = manifest.get(CHECKSUMS, {})
    if not isinstance(checksums, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in checksums.items()):
        raise fail(CHECKSUMS, "expected an object member name -> SHA-256 hex")
    archive.checksums = checksums
    tensors, ops = manifest["tensors"], manifest["ops"]
    check_limit(f"{path}: manifest tensors", "the tensor count", len(tensors), MAX_TENSORS)
    check_limit(f"{path}: manifest ops", "the op count", len(ops), MAX_OPS)
    names: set[str] = set()
    formats = []
    for k, entry in enumerate(tensors):
        key = f"tensors/{k}"
        formats.append(_check_tensor(path, key, entry, fail))
        if entry["name"] in names:
            raise fail(f"{key}/name", f"tensor name {entry['name']!r} is used twice")
        names.add(entry["name"])
        if entry.get("data") is not None and checksums and entry["data"] not in checksums:
            raise fail(f"{key}/data", f"member {entry['data']!r} has no checksum")
    for key in ("inputs", "outputs"):
        _check_names(manifest[key], names, key, fail)
    if not manifest["outputs"]:
        raise fail("outputs", "the model declares no outputs; a model must have at least one")
    for k, entry in enumerate(ops):
        key = f"ops/{k}"
        if not isinstance(entry, dict):
            raise fail(key, f"expected an object, got {_kind(entry)}")
        if not isinstance(entry.get("type"), str) or entry["type"] not in OP_SPECS:
            raise fail(f"{key}/type", f"unknown op type {entry.get('type')!r}")
        if not isinstance(entry.get("attrs"), dict):
            raise fail(f"{key}/attrs", f"expected an object, got {_kind(entry.get('attrs'))}")
        if not isinstance(entry.get("origin", ""), str):
            raise fail(f"{key}/origin", "expected a string")
        _check_names(entry.get("inputs"), names | {None}, f"{key}/inputs", fail)
        _check_names(entry.get("outputs"), names, f"{key}/outputs", fail)
        if len(entry["outputs"]) != 1:
            raise fail(f"{key}/outputs", f"an op writes exactly one tensor, got "
                                         f"{len(entry['outputs'])}")
    return formats


def _check_tensor(path: Path, key: str, entry, fail) -> NumberFormat | None:
    if not isinstance(entry, dict):
        raise fail(key, f"expected an object, got {_kind(entry)}")
    if not isinstance(entry.get("name"), str) or not entry["name"]:
        raise fail(f"{key}/name", f"expected a non-empty string, got {_kind(entry.get('name'))}")
    where = f"{path}: manifest {key} ({entry['name']!r})"
    if entry.get("dtype") not in DTYPES:
        raise fail(f"{key}/dtype", f"{entry.get('dtype')!r} is not one of {', '.join(DTYPES)}")
    if "data" not in entry or "fmt" not in entry:
        raise fail(key, "every tensor entry has a 'data' and a 'fmt' key (null if none)")
    data = entry["data"]
    if data is not None and not isinstance(data, str):
        raise fail(f"{key}/data", f"expected a member name or null, got {_kind(data)}")
    if entry.get("variable", False) not in (True, False) or entry.get("variable") and data:
        raise fail(f"{key}/variable", "expected true (a state tensor, without data) or false")
    try:
        check_shape(where, entry.get("shape"), allow_zero=data is not None)
    except ResourceLimitError as exc:
        raise type(exc)(f"{exc.message} (key {key}/shape)", hint=exc.hint) from None
    if entry.get("fmt") is None:
        return None
    fmt = parse_format(entry["fmt"], lambda what: fail(f"{key}/fmt", what))
    axis = getattr(fmt, "axis", None)
    if axis is not None and not 0 <= axis < len(entry["shape"]):
        raise fail(f"{key}/fmt", f"axis {axis} is not an axis of shape {entry['shape']}")
    return fmt


def parse_format(data, fail) -> NumberFormat:
    """A :class:`NumberFormat` from its JSON, refusing wrong types and non-finite values."""
    if not isinstance(data, dict) or not isinstance(data.get("kind"), str):
        raise fail(f"expected a format object with a 'kind', got {_kind(data)}")
    for field in ("bits", "width", "integer_bits", "min_exp", "max_exp"):
        value = data.get(field)
        if field in data and (not isinstance(value, int) or isinstance(value, bool)
                               or abs(value) > 64):
            raise fail(f"{field} {value!r} is not an integer in [-64, 64]")
    if "bits" in data and not 1 <= data["bits"] <= 32:
        raise fail(f"bits {data['bits']} is outside [1, 32]")
    for field in ("scale", "zero_point"):
        if field in data and not (isinstance(data[field], list) and data[field]):
            raise fail(f"{field} must be a non-empty list")
    if isinstance(data.get("zero_point"), list) and not all(
            isinstance(z, int) and not isinstance(z, bool) for z in data["zero_point"]):
        raise fail("zero points must be integers")
    axis = data.get("axis")
    if axis is not None and (not isinstance(axis, int) or isinstance(axis, bool)):
        raise fail(f"axis {axis!r} is not an integer or null")
    try:
        fmt = NumberFormat.from_json(data)
    except (ValueError, TypeError, KeyError, OverflowError, AttributeError) as exc:
        raise fail(f"not a valid number format ({type(exc).__name__}: {exc})") from None
    scale = getattr(fmt, "scale", None)
    if scale is not None and not np.all(np.isfinite(scale)):
        raise fail("scales must be finite")
    return fmt


def _check_names(value, names: set, key: str, fail) -> None:
    if not isinstance(value, list):
        raise fail(key, f"expected a list of tensor names, got {_kind(value)}")
    for n in value:
        if not (n is None or isinstance(n, str)) or n not in names:
            raise fail(key, f"{n!r} is not a tensor of the manifest")


def _kind(value) -> str:
    return "nothing" if value is None else type(value).__name__


#: meta keys later stages read, and the type each must have
_META_TYPES = {"source": str, "path": str, "weights": str, "quantized": str, "precision": str,
               "hybrid": bool, "accumulators": dict, "mixed_patch": dict,
               "made_from": str}


def check_meta(path: Path, graph) -> None:
    """The meta entries later stages read: their types and accumulator types that parse (a
    mixed-precision patch model is checked against the graph where it is read,
    :func:`edgesmith.quant.mixed_patch.mixed_model_of`)."""
    from ..ir import FixedFormat

    def fail(key: str, what: str) -> EsmSchemaError:
        return EsmSchemaError(f"{path}: manifest meta/{key}: {what}", hint=HINT)

    for key, kind in _META_TYPES.items():
        if key in graph.meta and not isinstance(graph.meta[key], kind):
            raise fail(key, f"expected {kind.__name__}, got {_kind(graph.meta[key])}")
    for tensor, text in graph.meta.get("accumulators", {}).items():
        try:
            FixedFormat.parse(text)
        except (ValueError, TypeError) as exc:
            raise fail(f"accumulators/{tensor}", str(exc)) from None
