"""The files of the C runtime that a generated model folder carries.

A model needs the public headers and the reference kernel of every kernel
it calls, plus the kernels those call in turn (``es_relu_s8`` calls
``es_requantize_s8``): found by reading the sources, so a new dependency
between kernels needs no table here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from ..resources import data_path

#: where runtime files go inside a generated folder (the layout of ``runtime/``)
INCLUDE_DIR = "runtime/include"
KERNEL_DIR = "runtime/kernels/ref"

_KERNEL_CALL = re.compile(r"\b(es_\w+_s8)\s*\(")


def runtime_root() -> Path:
    return data_path("runtime")


def kernel_source(kernel: str) -> Path:
    return runtime_root() / "kernels" / "ref" / f"{kernel}.c"


def kernel_sources(kernels: Iterable[str]) -> list[str]:
    """Paths (inside a generated folder) of the kernel sources that ``kernels`` need."""
    needed: set[str] = set()
    todo = list(kernels)
    while todo:
        kernel = todo.pop()
        if kernel in needed:
            continue
        source = kernel_source(kernel)
        if not source.is_file():
            raise FileNotFoundError(f"the C runtime has no source for {kernel} ({source})")
        needed.add(kernel)
        calls = set(_KERNEL_CALL.findall(source.read_text())) - {kernel}
        todo.extend(c for c in calls if kernel_source(c).is_file())
    return [f"{KERNEL_DIR}/{k}.c" for k in sorted(needed)]


def header_files() -> list[str]:
    """Paths (inside a generated folder) of the runtime's public headers."""
    return [f"{INCLUDE_DIR}/{p.name}" for p in sorted((runtime_root() / "include").glob("*.h"))]


def runtime_file(folder_path: str) -> Path:
    """The runtime file a path inside a generated folder is copied from."""
    return runtime_root() / Path(folder_path).relative_to("runtime")
