"""Build-level properties of the fixed-point, power-of-two and sub-byte kernels, held to the
rules of the int8 ones (test_runtime_build.py): strict C99 under gcc and clang with extra
warnings, no floating point, no library calls, no mutable globals; and their edge-case tests
again under AddressSanitizer + UBSan."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from edgesmith.verify.host_build import (
    STRICT_C99_FLAGS,
    asan_runtime,
    default_compiler,
    sanitizer_env,
)

from .formats_harness import SOURCES
from .harness import INCLUDE
from .test_runtime_build import COMPILER_BUILTINS, EXTRA_WARNINGS, REPO


def test_every_format_kernel_is_built():
    names = {p.stem for p in SOURCES}
    for op in ("fully_connected", "conv2d", "depthwise_conv2d"):
        assert {f"es_{op}_fx", f"es_{op}_p2", f"es_{op}_s4"} <= names
    assert {"es_avg_pool2d_fx", "es_max_pool2d_fx", "es_add_fx", "es_mul_fx", "es_relu_fx",
            "es_concat_fx", "es_softmax_fx", "es_logistic_fx", "es_tanh_fx",
            "es_avg_pool2d_s4", "es_max_pool2d_s4"} <= names


@pytest.mark.parametrize("compiler", ["gcc", "clang"])
def test_format_kernels_compile_clean_as_c99(compiler):
    if shutil.which(compiler) is None:
        pytest.skip(f"{compiler} is not installed")
    proc = subprocess.run([compiler, *STRICT_C99_FLAGS, "-O2", *EXTRA_WARNINGS, "-fsyntax-only",
                           f"-I{INCLUDE}", *map(str, SOURCES)], capture_output=True, text=True,
                          check=False)
    assert proc.returncode == 0 and not proc.stderr, proc.stderr


def test_format_kernels_use_no_float_no_libc_no_mutable_globals(tmp_path):
    if shutil.which("gcc") is None or shutil.which("nm") is None:
        pytest.skip("needs gcc and nm")
    objects = []
    for source in SOURCES:
        obj = tmp_path / (source.stem + ".o")
        proc = subprocess.run(["gcc", *STRICT_C99_FLAGS, "-O2", "-mgeneral-regs-only",
                               f"-I{INCLUDE}", "-c", str(source), "-o", str(obj)],
                              capture_output=True, text=True, check=False)
        assert proc.returncode == 0, f"{source.name}: {proc.stderr}"
        objects.append(obj)
    symbols = subprocess.run(["nm", *map(str, objects)], capture_output=True, text=True,
                             check=True).stdout.split("\n")
    undefined = {line.split()[-1] for line in symbols if line.strip().startswith("U ")}
    assert undefined <= COMPILER_BUILTINS, f"calls {undefined - COMPILER_BUILTINS}"
    mutable = [line for line in symbols if len(line.split()) == 3 and line.split()[1] in "bBdD"]
    assert not mutable, f"mutable globals: {mutable}"


def test_asan_ubsan_run_of_the_format_kernel_tests():
    if os.environ.get("ES_RUNTIME_SANITIZE") == "1":
        pytest.skip("already inside the sanitized run")
    compiler = next((c for c in (default_compiler(), "gcc") if asan_runtime(c) is not None), None)
    if compiler is None:
        pytest.skip("no C compiler here can build AddressSanitizer libraries")
    env = sanitizer_env(compiler)
    env["CC"], env["ES_RUNTIME_SANITIZE"] = compiler, "1"
    here = Path(__file__).parent
    tests = [str(here / name) for name in ("test_cast_fx.py", "test_layers_fx.py",
                                           "test_activations_fx.py", "test_elementwise_fx.py",
                                           "test_layers_p2.py", "test_layers_s4.py")]
    proc = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                           "-k", "not random", *tests], cwd=REPO, env=env, capture_output=True,
                          text=True, check=False, timeout=600)
    report = proc.stdout[-3000:] + proc.stderr[-3000:]
    assert proc.returncode == 0, f"sanitized run failed:\n{report}"
    assert " passed" in proc.stdout and "Sanitizer" not in proc.stderr, report
