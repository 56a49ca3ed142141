"""`build --optimize size|speed` and the default weight layouts: which layout each conv/dense/
depthwise layer gets, the flash it costs, and that VWW still fits the 512 KiB nucleo-f411re."""

import pytest

from tests.cli.test_codegen_cli import run_cli, run_json
from tests.helpers.paths import SHARED_MODELS

VWW = SHARED_MODELS / "mlperf_tiny" / "vww_96_int8.tflite"
AD = SHARED_MODELS / "mlperf_tiny" / "ad01_int8.tflite"
HELLO = SHARED_MODELS / "tflm" / "hello_world_int8.tflite"
F411_FLASH = 512 * 1024


@pytest.mark.slow  # two firmware builds of VWW's weights
def test_vww_fits_nucleo_f411re_with_optimize_size_and_by_default(tmp_path):
    size = run_json("build", VWW, "--board", "nucleo-f411re", "-o", tmp_path / "size",
                    "--optimize", "size")
    assert size["flash"]["size"] == F411_FLASH and size["flash"]["used"] < F411_FLASH
    # 15 conv/dense layers and 13 depthwise layers (their per-channel tables)
    assert len(size["layouts"]) == 28 and {x["layout"] for x in size["layouts"]} == {"int8"}
    default = run_json("build", VWW, "--board", "nucleo-f411re", "-o", tmp_path / "default")
    assert default["flash"]["used"] < F411_FLASH
    wide = [x for x in default["layouts"] if x["layout"] == "int16"]
    extra = sum(x["int16_bytes"] - x["int8_bytes"] for x in wide)
    # the flash grows by the int16 layouts' extra bytes, give or take the kernels' code (the
    # int16 build links the _w16 kernels instead of the int8 ones)
    assert wide and abs(default["flash"]["used"] - size["flash"]["used"] - extra) < 8 * 1024


@pytest.mark.slow  # AD's 264 KiB of weights, twice
def test_the_default_fills_the_flash_densest_layers_first(tmp_path):
    proc = run_cli("build", AD, "--board", "nucleo-f411re", "-o", tmp_path / "fw")
    assert proc.returncode == 0, proc.stderr + proc.stdout
    assert "weight layouts: 9 of 10 conv/dense/depthwise layers int16" in proc.stdout
    assert proc.stdout.count(": int16, ") == 9 and proc.stdout.count(": int8, ") == 1
    speed = run_cli("build", AD, "--board", "nucleo-f411re", "-o", tmp_path / "speed",
                    "--optimize", "speed")
    assert speed.returncode == 2 and "does not fit" in speed.stdout + speed.stderr


def test_build_prints_each_layers_layout_and_refuses_an_unknown_one(tmp_path):
    proc = run_cli("build", HELLO, "--board", "nucleo-f411re", "-o", tmp_path / "fw",
                   "--optimize", "speed")
    assert proc.returncode == 0, proc.stderr + proc.stdout
    assert "weight layouts: 3 of 3 conv/dense/depthwise layers int16" in proc.stdout
    assert proc.stdout.count(": int16, ") == 3
    proc = run_cli("build", HELLO, "--board", "nucleo-f411re", "-o", tmp_path / "bad",
                   "--optimize", "tiny")
    assert proc.returncode == 2 and "unknown --optimize 'tiny'" in proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr and not (tmp_path / "bad").exists()
