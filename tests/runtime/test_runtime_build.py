"""Build-level properties of the C runtime, and the sanitizer run.

* Every kernel compiles warning-free as C99 under gcc and clang with strict flags.
* The kernels use no floating point (gcc -mgeneral-regs-only rejects any),
  call nothing but what a compiler may synthesize (memset/memcpy), and have
  no mutable global state (no .data/.bss symbols).
* The edge-case tests pass again with AddressSanitizer and UBSan
  (-fno-sanitize-recover=all), in a child Python process that preloads the
  ASan runtime (see edgesmith.verify.host_build).
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from edgesmith.verify.host_build import (SANITIZE_FLAGS, STRICT_C99_FLAGS, asan_runtime,
                                        default_compiler, sanitizer_env)

from .harness import INCLUDE, KERNEL_SOURCES

EXTRA_WARNINGS = ("-Wconversion", "-Wsign-conversion", "-Wshadow", "-Wcast-qual", "-Wvla",
                  "-Wstrict-prototypes", "-Wmissing-prototypes", "-Wdeclaration-after-statement")
COMPILER_BUILTINS = {"memset", "memcpy", "memmove"}
REPO = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("compiler", ["gcc", "clang"])
def test_kernels_compile_clean_as_c99(compiler):
    if shutil.which(compiler) is None:
        pytest.skip(f"{compiler} is not installed")
    for flags in (STRICT_C99_FLAGS, (*STRICT_C99_FLAGS, "-O2", *EXTRA_WARNINGS)):
        proc = subprocess.run([compiler, *flags, "-fsyntax-only", f"-I{INCLUDE}",
                               *map(str, KERNEL_SOURCES)], capture_output=True, text=True,
                              check=False)
        assert proc.returncode == 0 and not proc.stderr, proc.stderr


def test_kernels_use_no_float_no_libc_no_mutable_globals(tmp_path):
    if shutil.which("gcc") is None or shutil.which("nm") is None:
        pytest.skip("needs gcc and nm")
    for source in KERNEL_SOURCES:
        obj = tmp_path / (source.stem + ".o")
        proc = subprocess.run(["gcc", *STRICT_C99_FLAGS, "-O2", "-mgeneral-regs-only",
                               f"-I{INCLUDE}", "-c", str(source), "-o", str(obj)],
                              capture_output=True, text=True, check=False)
        assert proc.returncode == 0, f"{source.name}: {proc.stderr}"
        symbols = subprocess.run(["nm", str(obj)], capture_output=True, text=True,
                                 check=True).stdout.split("\n")
        undefined = {line.split()[-1] for line in symbols if line.strip().startswith("U ")}
        foreign = {name for name in undefined if not name.startswith("es_")}
        assert foreign <= COMPILER_BUILTINS, f"{source.name} calls {foreign}"
        mutable = [line for line in symbols if len(line.split()) == 3
                   and line.split()[1] in "bBdD"]
        assert not mutable, f"{source.name} has mutable globals: {mutable}"


def test_asan_ubsan_run_of_the_edge_cases():
    if os.environ.get("ES_RUNTIME_SANITIZE") == "1":
        pytest.skip("already inside the sanitized run")
    # the configured compiler if it can sanitize, else gcc
    compiler = next((c for c in (default_compiler(), "gcc") if asan_runtime(c) is not None), None)
    if compiler is None:
        pytest.skip("no C compiler here can build AddressSanitizer libraries")
    env = sanitizer_env(compiler)
    env["CC"], env["ES_RUNTIME_SANITIZE"] = compiler, "1"
    selection = "edge or mbqm or round_exact"
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-k", selection,
         str(Path(__file__).parent)], cwd=REPO, env=env, capture_output=True, text=True,
        check=False, timeout=600)
    report = proc.stdout[-3000:] + proc.stderr[-3000:]
    assert proc.returncode == 0, f"sanitized run ({' '.join(SANITIZE_FLAGS)}) failed:\n{report}"
    assert " passed" in proc.stdout and "Sanitizer" not in proc.stderr, report
