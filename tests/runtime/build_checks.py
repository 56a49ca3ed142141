"""Shared steps of the runtime build tests: a freestanding object's symbols, and the
kernel tests re-run in a child pytest under AddressSanitizer + UBSan."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from edgesmith.boards.host_build import (STRICT_C99_FLAGS, asan_runtime, default_compiler,
                                        sanitizer_env)

from .harness import INCLUDE

REPO = Path(__file__).resolve().parents[2]


def object_symbols(source: Path, tmp_path: Path) -> tuple[set[str], list[str]]:
    """Compile ``source`` without floating-point registers (gcc -mgeneral-regs-only fails on
    any float) and return its undefined symbols and its mutable (.data/.bss) symbol lines."""
    if shutil.which("gcc") is None or shutil.which("nm") is None:
        pytest.skip("needs gcc and nm")
    obj = tmp_path / (source.stem + ".o")
    proc = subprocess.run(["gcc", *STRICT_C99_FLAGS, "-O2", "-mgeneral-regs-only",
                           f"-I{INCLUDE}", "-c", str(source), "-o", str(obj)],
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 0, f"{source.name}: {proc.stderr}"
    lines = subprocess.run(["nm", str(obj)], capture_output=True, text=True,
                           check=True).stdout.split("\n")
    undefined = {line.split()[-1] for line in lines if line.strip().startswith("U ")}
    mutable = [line for line in lines if len(line.split()) == 3 and line.split()[1] in "bBdD"]
    return undefined, mutable


def sanitized_pytest(*args: str) -> subprocess.CompletedProcess:
    """Run ``pytest args`` in a child process with the ASan runtime preloaded and the kernels
    built sanitized (skips inside that run, or without a compiler that can sanitize)."""
    if os.environ.get("ES_RUNTIME_SANITIZE") == "1":
        pytest.skip("already inside the sanitized run")
    # the configured compiler if it can sanitize, else gcc
    compiler = next((c for c in (default_compiler(), "gcc") if asan_runtime(c) is not None), None)
    if compiler is None:
        pytest.skip("no C compiler here can build AddressSanitizer libraries")
    env = sanitizer_env(compiler)
    env["CC"], env["ES_RUNTIME_SANITIZE"] = compiler, "1"
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                           *args], cwd=REPO, env=env, capture_output=True, text=True,
                          check=False, timeout=600)
