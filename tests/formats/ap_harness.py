"""Build and run the ap_types conformance harnesses (``ap_*_harness.cpp`` here).

The ``ap_types`` headers come from the ``hls4ml`` wheel
(``hls4ml/templates/vivado/ap_types/``; ``pip install hls4ml==1.3.0``, only
the headers are used, hls4ml is never imported). Executables are compiled
with g++ into a temporary folder keyed by a hash of everything that decides
them (compiler version, flags, harness source, our ``fixed.h``, the
headers), so a session, or the next one, reuses them. Each ap_fixed type is a
template instantiation that g++ needs about 20 ms to compile, which makes the
build, not the run, the cost of these tests: -O0 builds fastest overall.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import shutil
import subprocess
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
SIM_INCLUDE = HERE.parents[1] / "sim" / "include"
FLAGS = ("-std=c++17", "-O0", "-w")
COMPILER = os.environ.get("CXX_AP", "g++")


def ap_types_dir() -> Path:
    """The ap_types header folder of the installed hls4ml wheel (skip the test if absent)."""
    spec = importlib.util.find_spec("hls4ml")  # locates the package without importing it
    if spec is not None and spec.submodule_search_locations:
        package = Path(next(iter(spec.submodule_search_locations)))
        folder = package / "templates" / "vivado" / "ap_types"
        if (folder / "ap_fixed.h").is_file():
            return folder
    pytest.skip("the ap_types headers come with hls4ml: pip install hls4ml==1.3.0")


def _cache_key(source: Path, defines: tuple[str, ...], headers: Path) -> str:
    digest = hashlib.sha256()
    version = subprocess.run([COMPILER, "--version"], capture_output=True, text=True,
                             check=True).stdout
    for part in (version, " ".join(FLAGS + defines), str(headers)):
        digest.update(part.encode() + b"\0")
    for path in [source, SIM_INCLUDE / "es_sim" / "fixed.h", *sorted(headers.rglob("*.h"))]:
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()[:20]


def build(source: Path, defines: tuple[str, ...] = ()) -> Path:
    """The executable built from ``source`` with ``-D`` ``defines`` (cached)."""
    if shutil.which(COMPILER) is None:
        pytest.skip(f"{COMPILER} is not installed")
    headers = ap_types_dir()
    key = _cache_key(source, defines, headers)
    target = Path(tempfile.gettempdir()) / "edgesmith-ap-harness" / f"{source.stem}-{key}"
    if target.is_file():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(f".{os.getpid()}.part")  # renamed when complete
    command = [COMPILER, *FLAGS, *(f"-D{d}" for d in defines), f"-I{headers}",
               f"-I{SIM_INCLUDE}", str(source), "-o", str(partial)]
    proc = subprocess.run(command, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise AssertionError(f"harness build failed: {' '.join(command)}\n{proc.stderr[-4000:]}")
    os.replace(partial, target)
    return target


def parallel(fn, items: list) -> list:
    """``[fn(item) for item in items]``, one item per core at a time (list the slow ones first)."""
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        return list(pool.map(fn, items))


def run(executable: Path, *args: str) -> str:
    proc = subprocess.run([str(executable), *args], capture_output=True, text=True, check=False)
    if proc.returncode not in (0, 1):  # 1 reports mismatches in the output
        raise AssertionError(f"{executable.name} failed ({proc.returncode}):\n{proc.stderr}")
    return proc.stdout
