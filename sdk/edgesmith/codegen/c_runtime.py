"""The files of the C runtime that a generated model folder carries.

A model needs the public headers and the source of every kernel it calls,
plus the kernels those call in turn (``es_relu_s8`` calls
``es_requantize_s8``): found by reading the sources, so neither a new
dependency between kernels nor a variant defined beside its kernel
(``es_depthwise_conv2d_s8_inplace``) needs a table here.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from pathlib import Path

from ..resources import data_path

#: where runtime files go inside a generated folder (the layout of ``runtime/``)
INCLUDE_DIR = "runtime/include"
KERNEL_DIR = "runtime/kernels/ref"

_KERNEL_CALL = re.compile(r"\b(es_\w+)\s*\(")
_DEFINITION = re.compile(r"^es_status\s+(es_\w+)\s*\(", re.M)
_COMMENT = re.compile(r"/\*.*?\*/|//[^\n]*", re.S)


def runtime_root() -> Path:
    return data_path("runtime")


def kernel_source(kernel: str) -> Path:
    """The reference source that defines ``kernel``."""
    source = _definitions().get(kernel)
    if source is None:
        raise FileNotFoundError(f"the C runtime has no source for {kernel} "
                                f"({runtime_root() / 'kernels' / 'ref'})")
    return source


@functools.cache
def _definitions() -> dict[str, Path]:
    """The kernels each reference source defines, by kernel name."""
    return {name: path for path in sorted((runtime_root() / "kernels" / "ref").glob("*.c"))
            for name in _DEFINITION.findall(path.read_text())}


def kernel_sources(kernels: Iterable[str]) -> list[str]:
    """Paths (inside a generated folder) of the kernel sources that ``kernels`` need."""
    needed: set[Path] = set()
    todo = [kernel_source(k) for k in kernels]
    while todo:
        source = todo.pop()
        if source in needed:
            continue
        needed.add(source)
        code = _COMMENT.sub(" ", source.read_text())
        calls = set(_KERNEL_CALL.findall(code)) & set(_definitions())
        todo.extend(kernel_source(c) for c in calls)
    return [f"{KERNEL_DIR}/{p.name}" for p in sorted(needed)]


def header_files() -> list[str]:
    """Paths (inside a generated folder) of the runtime's public headers."""
    return [f"{INCLUDE_DIR}/{p.name}" for p in sorted((runtime_root() / "include").glob("*.h"))]


def runtime_file(folder_path: str) -> Path:
    """The runtime file a path inside a generated folder is copied from."""
    return runtime_root() / Path(folder_path).relative_to("runtime")
