"""Where edgesmith's data files are: templates, C runtime, HLS headers, boards.

An installed wheel carries them under ``edgesmith/data/``; a source checkout
(editable install) uses the folders at the repository root.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent
DATA_KINDS = ("codegen", "runtime", "hls", "boards")


@cache
def data_root() -> Path:
    installed = _PACKAGE / "data"
    if installed.is_dir():
        return installed
    checkout = _PACKAGE.parents[1]
    if (checkout / "pyproject.toml").is_file():
        return checkout
    raise FileNotFoundError(
        f"edgesmith's data files are missing (looked in {installed} and {checkout}); "
        "reinstall edgesmith")


def data_path(kind: str, *parts: str) -> Path:
    """Path of a data file, e.g. ``data_path("runtime", "include", "es_nn.h")``."""
    if kind not in DATA_KINDS:
        raise ValueError(f"unknown data kind {kind!r}; one of {DATA_KINDS}")
    return data_root().joinpath(kind, *parts)
