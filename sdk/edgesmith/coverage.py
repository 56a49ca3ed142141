"""What runs where: every op x number format x backend, as one table.

A cell is the kernel that runs it (a data-movement op runs as the gather the
lowering step makes of it), or empty where the backend refuses the op (each
backend's refusal names the op and what it does run). The tables in
``docs/COVERAGE.md``, ``runtime/README.md``, ``hls/README.md`` and
``docs/FORMATS_IMPL.md`` are written from this data (``python -m
edgesmith.coverage --write``, run from the repository) and a test keeps them
equal to it, so the docs cannot drift from the code.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from .ir import OP_DEFS, op_def
from .kernels import c_kernel

#: number formats by tag, in table order
FORMATS = {"f32": "float32", "s8": "int8 affine", "s16": "16x8 (int16 activations)",
           "s4": "4-/2-bit affine", "fx": "fixed point", "p2": "power-of-two weights"}
BACKENDS = ("sim", "c", "hls")
VIEW = "(view)"
#: a pure data-movement op the lowering step turns into a gather (strided walk or row table)
LOWERED = "(gather)"


def _sim_cells() -> dict[tuple[str, str], str]:
    from .sim.fixed_kernels import FIXED_KERNELS
    from .sim.float_ref import FLOAT_KERNELS
    from .sim.int16_kernels import INT16_KERNELS
    from .sim.int_kernels import INT_KERNELS
    from .sim.subbyte_kernels import SUBBYTE_KERNELS

    cells = {}
    for name in OP_DEFS:
        for tag, table in (("f32", FLOAT_KERNELS), ("s8", INT_KERNELS), ("s16", INT16_KERNELS),
                           ("s4", SUBBYTE_KERNELS), ("fx", FIXED_KERNELS)):
            if name in table:
                cells[name, tag] = f"{table[name].__module__.rsplit('.', 1)[1]}.{name}"
        if name in FIXED_KERNELS and op_def(name).is_mac:  # the MAC kernels take pow2 weights
            cells[name, "p2"] = cells[name, "fx"]
    return cells


def _c_cells() -> dict[tuple[str, str], str]:
    from .codegen.c_fixed import _FX_BUILDERS
    from .arith.params_int16 import C_INT16_OP_TYPES
    from .codegen.c_params import C_OP_TYPES

    cells = {}
    for name, d in OP_DEFS.items():
        if d.view:
            cells.update({(name, tag): VIEW for tag in ("s8", "s16", "s4", "fx", "p2")})
            continue
        if d.move is not None:  # the C generator lowers it to es_gather_* / es_gather_table_*
            cells.update({(name, tag): LOWERED for tag in ("s8", "fx")})
        if name in C_OP_TYPES:
            cells[name, "s8"] = c_kernel(name, "s8") or "es_requantize_s8"
        if name in C_INT16_OP_TYPES:
            cells[name, "s16"] = c_kernel(name, "s16")
        if name in _FX_BUILDERS:
            cells[name, "fx"] = c_kernel(name, "fx") or "es_relu_fx"
        for tag in ("s4", "p2"):
            if c_kernel(name, tag):
                cells[name, tag] = c_kernel(name, tag)
    return cells


def _hls_cells() -> dict[tuple[str, str], str]:
    from .hls import (layers_cast, layers_mac, layers_misc, layers_move,  # noqa: F401
                      layers_reduce)  # (they register the builders)
    from .hls.layers import LAYER_BUILDERS

    cells = {}
    for name, d in OP_DEFS.items():
        if d.move is not None and name not in LAYER_BUILDERS:  # lowered to es_hls::gather*
            cells[name, "fx"] = LOWERED
        if name in LAYER_BUILDERS:
            cells[name, "fx"] = f"es_hls::{name}"
            if d.is_mac:
                cells[name, "p2"] = f"es_hls::{name}"
    return cells


def support_matrix() -> dict[str, dict[tuple[str, str], str]]:
    """backend -> (op, format tag) -> the kernel that runs it (absent: refused)."""
    return {"sim": _sim_cells(), "c": _c_cells(), "hls": _hls_cells()}


def tflite_rows() -> list[tuple[str, str]]:
    """(TFLite builtin, IR op) for every builtin the importer reads."""
    return sorted((b, d.name) for d in OP_DEFS.values() for b in d.tflite)


def coverage_markdown(backends: tuple[str, ...] = BACKENDS) -> str:
    """The table of ``backends``' columns (every backend by default)."""
    matrix = support_matrix()
    columns = [(b, t) for b in backends for t in FORMATS if _column_used(matrix, b, t)]
    lines = ["| op | pattern | TFLite | Keras | " + " | ".join(f"{b} {t}" for b, t in columns)
             + " |", "|" + "---|" * (4 + len(columns))]
    for name in sorted(OP_DEFS):
        d = op_def(name)
        marks = [_mark(matrix[b].get((name, t))) for b, t in columns]
        lines.append(f"| {name} | {d.pattern} | {', '.join(d.tflite) or '-'} | "
                     f"{', '.join(d.keras) or '-'} | " + " | ".join(marks) + " |")
    return "\n".join(lines) + "\n"


def _mark(kernel: str | None) -> str:
    return {None: "-", VIEW: "view", LOWERED: "gather"}.get(kernel, "yes")


def _column_used(matrix, backend: str, tag: str) -> bool:
    return any(t == tag for _, t in matrix[backend])


#: a generated block: ``<!-- coverage table (c, hls): ... -->`` ... ``<!-- end of coverage table -->``
_BLOCK = re.compile(r"(<!-- coverage table(?: \(([a-z, ]+)\))?: generated by python -m "
                    r"edgesmith\.coverage --write -->\n).*?(<!-- end of coverage table -->)",
                    re.DOTALL)
#: the files whose blocks ``--write`` rewrites (relative to the repository)
DOC_FILES = ("docs/COVERAGE.md", "runtime/README.md", "hls/README.md", "docs/FORMATS_IMPL.md")


def with_table(text: str) -> str:
    """``text`` with every generated block replaced by the current table of its backends."""
    if not _BLOCK.search(text):
        raise ValueError("the coverage markers are missing")

    def fill(match: re.Match) -> str:
        backends = tuple(b.strip() for b in match.group(2).split(",")) if match.group(2) \
            else BACKENDS
        return match.group(1) + coverage_markdown(backends) + match.group(3)
    return _BLOCK.sub(fill, text)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true",
                        help=f"rewrite the generated tables in {', '.join(DOC_FILES)}")
    args = parser.parse_args(argv)
    if not args.write:
        sys.stdout.write(coverage_markdown())
        return 0
    for name in DOC_FILES:
        path = Path(name)
        path.write_text(with_table(path.read_text()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
