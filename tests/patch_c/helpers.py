"""What the patch-based C tests share: the models, the cases, and a bit-exact check."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from edgesmith.codegen.c_patch import generate_patched_c
from edgesmith.sim import simulate
from edgesmith.verify.host import HostModel, verify_host

from tests.helpers.paths import SHARED_MODELS

MODELS = {"vww": SHARED_MODELS / "mlperf_tiny" / "vww_96_int8.tflite",
          "person": SHARED_MODELS / "tflm" / "person_detect.tflite"}


def load_shared(key: str):
    from edgesmith.frontends.tflite import load_tflite

    if not MODELS[key].is_file():
        pytest.skip(f"shared model {MODELS[key]} is not present")
    return load_tflite(MODELS[key])


def assert_code_equals_simulator(graph, plan, batch, folder: Path) -> None:
    """Generate the patch-based code of ``plan``, run it on the host and compare every output
    with the layer-based simulator, raw integers; then the same through ``verify_host``."""
    generated = generate_patched_c(graph, plan, folder)
    batch = batch if isinstance(batch, dict) else {graph.inputs[0]: batch}
    ours = HostModel(generated.folder, graph).run(batch)
    expected = simulate(graph, batch)
    for name in graph.outputs:
        assert ours[name].dtype == expected[name].dtype
        np.testing.assert_array_equal(ours[name], expected[name], err_msg=name)
    report = verify_host(graph, batch, code_dir=generated.folder)
    assert report.ok, report.first_mismatch
