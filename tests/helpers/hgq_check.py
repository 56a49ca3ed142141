"""Skip HGQ2 tests without HGQ2, without importing it at collection time: HGQ2 loads
TensorFlow, which must come after OR-tools (``edgesmith.frontends.keras.import_keras``)."""

from __future__ import annotations

import importlib.util

import pytest

from tests.helpers.keras_check import keras_or_skip


def skip_without_hgq() -> None:
    """Module level: skip the module when HGQ2 is not installed."""
    if importlib.util.find_spec("hgq") is None:
        pytest.skip("needs HGQ2 (edgesmith[hgq])", allow_module_level=True)


def hgq_keras():
    """Keras with HGQ2's layers registered, imported the way edgesmith imports them."""
    keras_or_skip()
    from edgesmith.frontends.keras_hgq import import_hgq

    return import_hgq()
