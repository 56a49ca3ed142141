"""A RAM overflow at build names `--patch auto` and the peak of the patch plan it would use."""

import re
from pathlib import Path

import pytest

import edgesmith
from edgesmith.api.firmware import _patch_remedy
from edgesmith.codegen.options import CodeOptions
from edgesmith.memory.patch_search import plan_patches_from_spec

from tests.helpers.cli_run import cli
from tests.helpers.paths import SHARED_MODELS

VWW = SHARED_MODELS / "mlperf_tiny" / "vww_96_int8.tflite"
REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def vww():
    return edgesmith.load(VWW).graph


def test_the_hint_names_patch_auto_and_its_peak(vww):
    plan = plan_patches_from_spec(vww, "auto")
    hint = _patch_remedy(vww, CodeOptions(), {"RAM": 100})
    assert "--patch auto" in hint
    assert f"peak of {plan.peak_bytes:,} B" in hint
    assert f"instead of {plan.layer_based_peak_bytes:,} B" in hint
    assert _patch_remedy(vww, CodeOptions(), {"FLASH": 100}) is None  # patching saves no flash
    assert _patch_remedy(vww, CodeOptions(patch=plan), {"RAM": 100}) is None  # patched already


@pytest.mark.slow
def test_build_on_a_board_too_small_suggests_patching_and_patching_fits(tmp_path):
    # the default board with 64 KiB of RAM: the layer-based arena and the stack do not fit
    text = (REPO / "boards" / "mps2-an386.toml").read_text()
    text = text.replace('name = "mps2-an386"', 'name = "small-ram"').replace("default = true", "")
    text = re.sub(r"(\[memory\.ram\][^\[]*?size = )0x[0-9A-Fa-f]+", r"\g<1>0x10000", text)
    (tmp_path / "small-ram.toml").write_text(text)
    proc = cli(tmp_path, "build", str(VWW), "--board", "small-ram.toml", "-o", "fw")
    assert proc.returncode == 2 and "RAM" in proc.stderr and "--patch auto" in proc.stderr
    assert not (tmp_path / "fw").exists()
    proc = cli(tmp_path, "build", str(VWW), "--board", "small-ram.toml", "-o", "fw",
               "--patch", "auto")
    assert proc.returncode == 0, proc.stderr
