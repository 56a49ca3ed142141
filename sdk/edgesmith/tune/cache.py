"""Trial results cached by content: the key hashes the model's bytes, the data, the
configuration and what edgesmith computes with (its version, its Python sources, the C
runtime, code templates and board files). A repeated configuration, on any runner and in
any later search, is read back instead of rebuilt; a change to a kernel changes every key."""

from __future__ import annotations

import functools
import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

#: what a stored result looks like; bump when the row's meaning changes
FORMAT = 1


def cache_dir() -> Path:
    """The tune folder of the edgesmith cache (beside the host builds and firmware)."""
    from ..boards.host_build import cache_root

    return cache_root().parent / "tune"


@functools.cache
def code_fingerprint() -> str:
    """A hash of edgesmith itself: version, Python sources and the data files (C runtime,
    templates, boards) that decide what a trial measures."""
    from .. import __version__
    from ..resources import data_path

    digest = hashlib.sha256(f"edgesmith {__version__} format {FORMAT}\n".encode())
    package = Path(__file__).resolve().parents[1]
    roots = [package] + [data_path(kind) for kind in ("runtime", "codegen", "boards")]
    for root in roots:
        files = sorted(p for p in root.rglob("*") if p.is_file() and p.suffix in
                       (".py", ".c", ".h", ".cc", ".jinja", ".toml", ".ld", ".cmake", ".txt",
                        ".s", ".S", ".json"))
        for path in files:
            digest.update(f"{path.relative_to(root)}\n".encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def array_digest(*arrays: np.ndarray | dict | None) -> str:
    """A hash of arrays (or dicts of arrays by name): dtype, shape and bytes."""
    digest = hashlib.sha256()
    for array in arrays:
        items = sorted(array.items()) if isinstance(array, dict) else [("", array)]
        for name, value in items:
            if value is None:
                digest.update(b"none\n")
                continue
            value = np.ascontiguousarray(value)
            digest.update(f"{name}:{value.dtype.str}:{value.shape}\n".encode())
            digest.update(value.tobytes())
    return digest.hexdigest()


def config_id(config: dict[str, Any]) -> str:
    """A short stable id of one configuration (the results table's trial column)."""
    text = json.dumps(config, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def inputs_id(model_digest: str, data_digest: str) -> str:
    """A short id of what every trial of a search shares: the model, the data and
    edgesmith's code (a results table holds the trials of one such id)."""
    text = f"{model_digest}:{data_digest}:{code_fingerprint()}"
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def trial_key(model_digest: str, data_digest: str, config: dict[str, Any]) -> str:
    """The cache key of one trial: model, data, configuration and edgesmith's code."""
    text = json.dumps({"model": model_digest, "data": data_digest, "config": config,
                       "code": code_fingerprint()}, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def trial_folder(key: str) -> Path:
    return cache_dir() / key[:2] / key


def load_result(key: str) -> dict | None:
    """The stored result of a trial, or None if it never finished."""
    path = trial_folder(key) / "result.json"
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return None


def store_result(key: str, result: dict) -> None:
    """Write the result last and in one rename: a trial killed before has no result."""
    folder = trial_folder(key)
    folder.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".result.")
    with os.fdopen(fd, "w") as fh:
        json.dump(result, fh, sort_keys=True)
    os.replace(tmp, folder / "result.json")
