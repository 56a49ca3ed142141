"""The files of the C runtime that a generated model folder carries.

A model needs the public headers and the source of every kernel it calls,
plus the kernels those call in turn (``es_relu_s8`` calls
``es_requantize_s8``): found by reading the sources, so neither a new
dependency between kernels nor a variant defined beside its kernel
(``es_depthwise_conv2d_s8_inplace``) needs a table here. A kernel set
(:mod:`.c_kernel_sets`) takes each kernel from its own folder where that
defines it, else from the sets it falls back to (:func:`.c_kernel_sets.set_chain`).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from pathlib import Path

from ..resources import data_path
from .c_kernel_sets import KERNEL_SETS, set_chain

#: where runtime files go inside a generated folder (the layout of ``runtime/``)
INCLUDE_DIR = "runtime/include"
KERNEL_DIR = "runtime/kernels/ref"
REFERENCE_SET = "reference"

_KERNEL_CALL = re.compile(r"\b(es_\w+)\s*\(")
_DEFINITION = re.compile(r"^es_status\s+(es_\w+)\s*\(", re.M)
_COMMENT = re.compile(r"/\*.*?\*/|//[^\n]*", re.S)


def runtime_root() -> Path:
    return data_path("runtime")


def kernel_source(kernel: str, kernel_set: str = REFERENCE_SET) -> Path:
    """The source that defines ``kernel`` in ``kernel_set`` (else in the sets it falls back
    to, the reference set last)."""
    source = next((found for found in (_definitions(k).get(kernel) for k in set_chain(kernel_set))
                   if found is not None), None)
    if source is None:
        raise FileNotFoundError(f"the C runtime has no source for {kernel} "
                                f"({runtime_root() / 'kernels' / 'ref'})")
    return source


@functools.cache
def _definitions(kernel_set: str) -> dict[str, Path]:
    """The kernels each source of ``kernel_set`` defines, by kernel name."""
    folder = runtime_root() / "kernels" / KERNEL_SETS[kernel_set]
    return {name: path for path in sorted(folder.glob("*.c"))
            for name in _DEFINITION.findall(path.read_text())}


def kernel_sources(kernels: Iterable[str], kernel_set: str = REFERENCE_SET) -> list[str]:
    """Paths (inside a generated folder) of the kernel sources that ``kernels`` need."""
    needed: set[Path] = set()
    todo = [kernel_source(k, kernel_set) for k in kernels]
    defined = set().union(*(_definitions(k) for k in set_chain(kernel_set)))
    while todo:
        source = todo.pop()
        if source in needed:
            continue
        needed.add(source)
        code = _COMMENT.sub(" ", source.read_text())
        calls = set(_KERNEL_CALL.findall(code)) & defined
        todo.extend(kernel_source(c, kernel_set) for c in calls)
    return sorted(f"runtime/{p.relative_to(runtime_root()).as_posix()}" for p in needed)


def header_files() -> list[str]:
    """Paths (inside a generated folder) of the runtime's public headers."""
    return [f"{INCLUDE_DIR}/{p.name}" for p in sorted((runtime_root() / "include").glob("*.h"))]


def runtime_file(folder_path: str) -> Path:
    """The runtime file a path inside a generated folder is copied from."""
    return runtime_root() / Path(folder_path).relative_to("runtime")


#: the runtime's build options (runtime/include/es_nn_config.h): each folder writes its own
CONFIG_HEADER = f"{INCLUDE_DIR}/es_nn_config.h"
_LOW_BIT_LOOPS = "#define ES_FAST_LOW_BIT_LOOPS 1"


def config_header(low_bit_loops: bool) -> str:
    """A folder's copy of the runtime's build options: the repository's text (every option
    on) with each option as its model needs it. The Cortex-M loops for 4- and 2-bit clamps
    and the one-multiply stage go only where a QuantMCU low-bit branch runs them."""
    text = runtime_file(CONFIG_HEADER).read_text()
    if _LOW_BIT_LOOPS not in text:
        raise RuntimeError(f"{CONFIG_HEADER} no longer defines ES_FAST_LOW_BIT_LOOPS as 1")
    return text.replace(_LOW_BIT_LOOPS, f"#define ES_FAST_LOW_BIT_LOOPS {int(low_bit_loops)}")
