"""Shared fixtures of the HLS tests: skip without g++ or the ap_types headers."""

from __future__ import annotations

import shutil

import pytest
from edgesmith.errors import EdgesmithError

#: the part and clock every test project names (C-simulation does not depend on them)
PART, CLOCK_NS = "xc7z020clg400-1", 10.0


@pytest.fixture(scope="session")
def toolchain():
    """Skip C-simulation tests where g++ or the ap_types headers are missing."""
    from edgesmith.hls.csim import ap_types_dir, compiler

    if shutil.which(compiler()) is None:
        pytest.skip(f"HLS C-simulation needs {compiler()}")
    try:
        ap_types_dir()
    except EdgesmithError as exc:
        pytest.skip(str(exc))
