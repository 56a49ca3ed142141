"""MixedPatchModel to and from JSON and .esm, and the quantize-mixed command."""

import json

import numpy as np
import pytest
from edgesmith.cli import app
from edgesmith.errors import EdgesmithError
from edgesmith.io import load_esm, save_esm
from edgesmith.quant.mixed_patch import MixedPatchModel, load_mixed_esm, save_mixed_esm
from edgesmith.quant.vdqs import MixedSearchConfig, quantize_mixed_patch
from edgesmith.quant.mixed_simulate import simulate_mixed_patched
from numpy.testing import assert_array_equal
from typer.testing import CliRunner

from tests.patch.graphs import random_input

from .graphs import binary_graph, binary_inputs, int8_and_plan


@pytest.fixture(scope="module")
def mixed():
    g = binary_graph()
    calib = binary_inputs(32, 0)
    q, plan = int8_and_plan(g, calib, 2, 2)
    return quantize_mixed_patch(g, calib, plan, MixedSearchConfig(accuracy_weight=0.6),
                                int8_graph=q).model


def _assert_same_model(a: MixedPatchModel, b: MixedPatchModel):
    assert a.threshold == b.threshold and a.widths() == b.widths()
    assert a.low_formats == b.low_formats and a.search == b.search
    assert (a.plan.split, a.plan.grid, a.plan.patches) == (b.plan.split, b.plan.grid,
                                                           b.plan.patches)
    x = random_input(a.graph, n=4, seed=9)
    out_a, routes_a = simulate_mixed_patched(a, x)
    out_b, routes_b = simulate_mixed_patched(b, x)
    assert_array_equal(routes_a, routes_b)
    for name in out_a:
        assert_array_equal(out_a[name], out_b[name])


def test_json_round_trip(mixed):
    data = json.loads(json.dumps(mixed.to_json()))
    assert data["split"] == 2 and data["grid"] == 2 and data["version"] == 1
    _assert_same_model(mixed, MixedPatchModel.from_json(data, mixed.graph))


def test_esm_round_trip(mixed, tmp_path):
    path = save_mixed_esm(mixed, tmp_path / "mixed.esm")
    loaded = load_mixed_esm(path)
    _assert_same_model(mixed, loaded)
    assert "mixed_patch" not in loaded.graph.meta


def test_plain_esm_is_refused(mixed, tmp_path):
    save_esm(mixed.graph, tmp_path / "plain.esm")
    with pytest.raises(EdgesmithError, match="no mixed-precision patch model"):
        load_mixed_esm(tmp_path / "plain.esm")


def test_quantize_mixed_cli(tmp_path):
    save_esm(binary_graph(), tmp_path / "float.esm")
    np.save(tmp_path / "calib.npy", binary_inputs(32, 0))
    out = tmp_path / "mixed.esm"
    result = CliRunner().invoke(app, ["quantize-mixed", str(tmp_path / "float.esm"), "--calib",
                                      str(tmp_path / "calib.npy"), "--patch", "2:2", "-o",
                                      str(out), "--accuracy-weight", "0.9", "--json"])
    assert result.exit_code == 0, result.output
    info = json.loads(result.output)
    assert info["widths"] == {"x": 2, "conv2d": 2, "conv2d_1": 8}
    assert info["plan"] == {"split": 2, "split_tensor": "conv2d_2", "grid": 2, "patches": 4}
    assert info["bitops_patch_stage"]["uniform_int8"] > info["bitops_patch_stage"]["mixed"]
    assert info["calibration_patches_8bit_share"] == 0 and info["search_seconds"] >= 0
    assert load_mixed_esm(out).widths() == info["widths"]
    assert load_esm(out).is_quantized()


def test_quantize_mixed_cli_human_output_and_errors(tmp_path):
    save_esm(binary_graph(), tmp_path / "float.esm")
    np.save(tmp_path / "calib.npy", binary_inputs(16, 0))
    args = ["quantize-mixed", str(tmp_path / "float.esm"), "--calib", str(tmp_path / "calib.npy"),
            "--patch", "2:2", "-o", str(tmp_path / "m.esm")]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    for words in ("VDPC", "VDQS search time", "uniform int8", "fewer", "wrote"):
        assert words in result.output
    bad = CliRunner().invoke(app, args + ["--widths", "8,3"])
    assert bad.exit_code == 2 and "--widths" in bad.output
