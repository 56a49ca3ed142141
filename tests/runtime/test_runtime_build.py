"""Build-level properties of the C runtime, and the sanitizer run.

* Every kernel compiles warning-free as C99 under gcc and clang with strict flags.
* The kernels use no floating point (gcc -mgeneral-regs-only rejects any),
  call nothing but what a compiler may synthesize (memset/memcpy), and have
  no mutable global state (no .data/.bss symbols).
* The edge-case tests pass again with AddressSanitizer and UBSan
  (-fno-sanitize-recover=all), in a child Python process that preloads the
  ASan runtime (see edgesmith.boards.host_build).
"""

import shutil
import subprocess
from pathlib import Path

import pytest

from edgesmith.boards.host_build import SANITIZE_FLAGS, STRICT_C99_FLAGS

from .build_checks import object_symbols, sanitized_pytest
from .harness import FAST_SOURCES, INCLUDE, KERNEL_SOURCES

#: every int8 kernel source of both sets (the fast set defines the same names: one at a time)
ALL_SOURCES = [*KERNEL_SOURCES, *FAST_SOURCES]

EXTRA_WARNINGS = ("-Wconversion", "-Wsign-conversion", "-Wshadow", "-Wcast-qual", "-Wvla",
                  "-Wstrict-prototypes", "-Wmissing-prototypes", "-Wdeclaration-after-statement")
COMPILER_BUILTINS = {"memset", "memcpy", "memmove"}


@pytest.mark.parametrize("compiler", ["gcc", "clang"])
def test_kernels_compile_clean_as_c99(compiler):
    if shutil.which(compiler) is None:
        pytest.skip(f"{compiler} is not installed")
    assert len(FAST_SOURCES) == 4
    for flags in (STRICT_C99_FLAGS, (*STRICT_C99_FLAGS, "-O2", *EXTRA_WARNINGS),
                  (*STRICT_C99_FLAGS, "-O2", *EXTRA_WARNINGS, "-DES_FAST_EMULATE_DSP")):
        proc = subprocess.run([compiler, *flags, "-fsyntax-only", f"-I{INCLUDE}",
                               *map(str, ALL_SOURCES)], capture_output=True, text=True,
                              check=False)
        assert proc.returncode == 0 and not proc.stderr, proc.stderr


def test_kernels_use_no_float_no_libc_no_mutable_globals(tmp_path):
    for source in ALL_SOURCES:
        undefined, mutable = object_symbols(source, tmp_path)
        foreign = {name for name in undefined if not name.startswith("es_")}
        assert foreign <= COMPILER_BUILTINS, f"{source.name} calls {foreign}"
        assert not mutable, f"{source.name} has mutable globals: {mutable}"


def test_asan_ubsan_run_of_the_edge_cases():
    proc = sanitized_pytest("-k", "edge or mbqm or round_exact", str(Path(__file__).parent))
    report = proc.stdout[-3000:] + proc.stderr[-3000:]
    assert proc.returncode == 0, f"sanitized run ({' '.join(SANITIZE_FLAGS)}) failed:\n{report}"
    assert " passed" in proc.stdout and "Sanitizer" not in proc.stderr, report
