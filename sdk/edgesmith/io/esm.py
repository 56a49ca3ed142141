"""The edgesmith model file (``.esm``): a graph, its formats and constants.

Layout (documented for users in docs/FORMAT.md): a ZIP archive holding

* ``manifest.json``: ``{"format": "edgesmith-model", "version": 1, "name",
  "inputs", "outputs", "meta", "tensors": [...], "ops": [...]}``; each tensor
  entry has ``name, shape, dtype, fmt`` (null for float, else the format's
  JSON with scales as exact float hex) and ``data`` (the member holding the
  constant, or null);
* ``const/<k>.npy``: one NumPy array per constant tensor, stored exactly;
* ``checksums`` in the manifest: the SHA-256 of every ``const/`` member.

Only the file names of the source model and weights are recorded, not their
folders. Files are written atomically: a temporary file in the target folder is
renamed over the destination only once complete.
"""

from __future__ import annotations

import io
import json
import os
import zipfile
from pathlib import Path

import numpy as np

from ..errors import EsmSchemaError, InvalidGraphError, ModelFormatError
from ..ir import Graph, Op, Tensor, verify_graph
from .esm_schema import (CHECKSUMS, HINT, MANIFEST, EsmArchive, check_manifest, check_meta,
                         sha256)
from .unicode_text import load_json_text
from .limits import check_graph_bounds
from .outputs import write_file_atomically

FORMAT_NAME = "edgesmith-model"
FORMAT_VERSION = 1


def _attr_to_json(value):
    if isinstance(value, tuple):
        return [_attr_to_json(v) for v in value]
    if isinstance(value, np.generic):
        return value.item()
    return value


def _attr_from_json(value):
    # Attributes are stored as JSON lists; the IR uses tuples for sequences.
    if isinstance(value, list):
        return tuple(_attr_from_json(v) for v in value)
    return value


def save_esm(graph: Graph, path: str | os.PathLike) -> Path:
    """Write ``graph`` to ``path`` atomically; returns the path."""
    path = Path(path)
    tensors, arrays = [], {}
    for k, t in enumerate(graph.tensors.values()):
        member = None
        if t.is_const:
            member = f"const/{k}.npy"
            buf = io.BytesIO()
            np.save(buf, np.ascontiguousarray(t.data), allow_pickle=False)
            arrays[member] = buf.getvalue()
        tensors.append({
            "name": t.name, "shape": list(t.shape), "dtype": t.dtype,
            "fmt": None if t.fmt is None else t.fmt.to_json(), "data": member,
        })
        if t.variable:  # written only when set: stateless files stay as they were
            tensors[-1]["variable"] = True
    manifest = {
        "format": FORMAT_NAME, "version": FORMAT_VERSION, "name": graph.name,
        "inputs": graph.inputs, "outputs": graph.outputs,
        "meta": {k: _file_name_only(k, v) for k, v in graph.meta.items() if _is_json(v)},
        "tensors": tensors,
        "ops": [{"type": op.type, "inputs": op.inputs, "outputs": op.outputs,
                 "attrs": {k: _attr_to_json(v) for k, v in op.attrs.items()},
                 "origin": op.origin} for op in graph.ops],
        CHECKSUMS: {member: sha256(blob) for member, blob in arrays.items()},
    }

    def write(fh) -> None:
        with zipfile.ZipFile(fh, "w", zipfile.ZIP_DEFLATED) as zf:
            zf.writestr(MANIFEST, json.dumps(manifest, indent=1))
            for member, blob in arrays.items():
                zf.writestr(member, blob)

    return write_file_atomically(path, write)


#: meta keys naming the source files: only their names are kept (no user folder layout)
_SOURCE_KEYS = ("path", "weights", "made_from")


def _file_name_only(key: str, value):
    return Path(value).name if key in _SOURCE_KEYS and isinstance(value, str) else value


def _is_json(value) -> bool:
    try:
        json.dumps(value)
        return True
    except (TypeError, ValueError):
        return False


def load_esm(path: str | os.PathLike) -> Graph:
    """Read an ``.esm`` file; malformed files raise :class:`ModelFormatError`.

    The manifest is checked against its schema (:mod:`.esm_schema`), members are
    decompressed within a budget and compared with their checksums, and the
    graph is verified before it is returned.
    """
    path = Path(path)
    try:
        with zipfile.ZipFile(path) as zf:
            archive = EsmArchive(path, zf)
            try:
                manifest = load_json_text(archive.read(MANIFEST, "manifest.json"),
                                           f"{path}: manifest.json", EsmSchemaError)
            except (ValueError, RecursionError) as exc:
                raise EsmSchemaError(f"{path}: manifest.json is not JSON ({exc})") from None
            _check_header(path, manifest)
            formats = check_manifest(path, manifest, archive)
            graph = _build_graph(manifest, formats, archive)
    except ModelFormatError:
        raise
    except FileNotFoundError:
        raise ModelFormatError(f"{path}: no such file") from None
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError) as exc:
        raise ModelFormatError(
            f"{path}: not a readable edgesmith model file ({type(exc).__name__}: {exc})",
            hint="the file may be truncated; write it again with 'edgesmith quantize'",
        ) from None
    try:
        verify_graph(graph)
    except InvalidGraphError as exc:
        raise EsmSchemaError(f"{path}: {exc.message}", hint=HINT) from None
    check_graph_bounds(graph, str(path))
    check_meta(path, graph)
    return graph


def _build_graph(manifest: dict, formats: list, archive: EsmArchive) -> Graph:
    graph = Graph(manifest["name"], inputs=list(manifest["inputs"]),
                  outputs=list(manifest["outputs"]), meta=dict(manifest["meta"]))
    for k, (entry, fmt) in enumerate(zip(manifest["tensors"], formats)):
        data = None
        if entry["data"] is not None:
            data = archive.array(entry["data"], f"tensors/{k}/data", tuple(entry["shape"]),
                                 entry["dtype"])
        graph.add_tensor(Tensor(entry["name"], tuple(entry["shape"]), entry["dtype"], fmt, data,
                                variable=entry.get("variable") is True))
    for entry in manifest["ops"]:
        attrs = {k: _attr_from_json(v) for k, v in entry["attrs"].items()}
        graph.add_op(Op(entry["type"], list(entry["inputs"]), list(entry["outputs"]),
                        attrs, entry.get("origin", "")))
    return graph


def _check_header(path: Path, manifest) -> None:
    if not isinstance(manifest, dict):
        raise EsmSchemaError(f"{path}: manifest.json is not an object", hint=HINT)
    if manifest.get("format") != FORMAT_NAME:
        raise ModelFormatError(f"{path}: not an edgesmith model file (format "
                               f"{manifest.get('format')!r})")
    version = manifest.get("version")
    if version != FORMAT_VERSION:
        raise ModelFormatError(
            f"{path}: edgesmith model file version {version}; this edgesmith reads version "
            f"{FORMAT_VERSION}", hint="re-create the file with this version of edgesmith")
