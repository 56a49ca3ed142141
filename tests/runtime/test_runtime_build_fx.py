"""Build-level properties of the fixed-point, power-of-two and sub-byte kernels, held to the
rules of the int8 ones (test_runtime_build.py): strict C99 under gcc and clang with extra
warnings, no floating point, no library calls, no mutable globals; and their edge-case tests
again under AddressSanitizer + UBSan."""

import shutil
import subprocess
from pathlib import Path

import pytest
from edgesmith.boards.host_build import STRICT_C99_FLAGS

from .build_checks import object_symbols, sanitized_pytest
from .formats_harness import SOURCES
from .harness import INCLUDE
from .test_runtime_build import COMPILER_BUILTINS, EXTRA_WARNINGS


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
    for source in SOURCES:
        undefined, mutable = object_symbols(source, tmp_path)
        extra = undefined - COMPILER_BUILTINS
        assert not extra, f"{source.name} calls {extra}"
        assert not mutable, f"{source.name} has mutable globals: {mutable}"


def test_asan_ubsan_run_of_the_format_kernel_tests():
    here = Path(__file__).parent
    tests = [str(here / name) for name in ("test_cast_fx.py", "test_layers_fx.py",
                                           "test_activations_fx.py", "test_elementwise_fx.py",
                                           "test_layers_p2.py", "test_layers_s4.py")]
    proc = sanitized_pytest("-k", "not random", *tests)
    report = proc.stdout[-3000:] + proc.stderr[-3000:]
    assert proc.returncode == 0, f"sanitized run failed:\n{report}"
    assert " passed" in proc.stdout and "Sanitizer" not in proc.stderr, report
