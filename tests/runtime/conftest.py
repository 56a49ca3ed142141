"""Fixtures of the C runtime tests (see harness.py)."""

import zlib

import numpy as np
import pytest

from .harness import Runtime, runtime


@pytest.fixture(scope="session", params=["reference", "fast"])
def rt(request) -> Runtime:
    """The int8 kernels, once per kernel set: every kernel test holds for both."""
    return runtime(request.param)


@pytest.fixture
def rng(request) -> np.random.Generator:
    """A generator seeded by the test's name, so every test is reproducible on its own."""
    return np.random.default_rng(zlib.crc32(request.node.nodeid.encode()))
