"""The generated code of every public model under AddressSanitizer and UBSan: no finding.

The models' equality test runs again in a child Python process that preloads
the ASan runtime (see edgesmith.boards.host_build), with the libraries built
with -fsanitize=address,undefined -fno-sanitize-recover=all: any out-of-bounds
access, overflow or other undefined behaviour aborts the run.
"""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from edgesmith.boards.host_build import (SANITIZE_FLAGS, asan_runtime, default_compiler,
                                         sanitizer_env)

from .test_models_host import MODELS

REPO = Path(__file__).resolve().parents[2]


def test_models_run_clean_under_asan_and_ubsan():
    if os.environ.get("ES_CODEGEN_SANITIZE") == "1":
        pytest.skip("already inside the sanitized run")
    compiler = next((c for c in (default_compiler(), "gcc") if asan_runtime(c) is not None), None)
    if compiler is None:
        pytest.skip("no C compiler here can build AddressSanitizer libraries")
    env = sanitizer_env(compiler)
    env["CC"], env["ES_CODEGEN_SANITIZE"] = compiler, "1"
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-m", "not slow",
         "-k", "shipped_and_random", str(Path(__file__).parent / "test_models_host.py")],
        cwd=REPO, env=env, capture_output=True, text=True, check=False, timeout=900)
    report = proc.stdout[-3000:] + proc.stderr[-3000:]
    assert proc.returncode == 0, f"sanitized run ({' '.join(SANITIZE_FLAGS)}) failed:\n{report}"
    assert re.search(rf"\b{len(MODELS)} passed", proc.stdout), report
    assert "Sanitizer" not in proc.stderr, report
