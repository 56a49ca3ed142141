"""`edgesmith build`: real models for every real board, refusals that name the region and
the overflow, and a clear message when the cross toolchain is missing."""

from __future__ import annotations

import json

import numpy as np
import pytest
from edgesmith.cli import app
from edgesmith.io import save_esm
from edgesmith.ir import AffineFormat, Graph, Op, Tensor
from typer.testing import CliRunner

from .helpers import REAL_BOARDS, needs_cross, shared_model

pytestmark = needs_cross


def dense_model(tmp_path, in_features: int, out_features: int):
    """One int8 fully_connected layer of the given size, saved as .esm."""
    g = Graph("big_dense")
    g.add_tensor(Tensor("x", (1, in_features), "int8", AffineFormat([0.5], [0])))
    rng = np.random.default_rng(0)
    g.add_const("w", rng.integers(-127, 128, (out_features, in_features), dtype=np.int8),
                AffineFormat([0.01], [0]))
    g.add_const("b", np.zeros(out_features, np.int32), AffineFormat([0.005], [0], bits=32))
    g.add_tensor(Tensor("y", (1, out_features), "int8", AffineFormat([0.25], [0])))
    g.add_op(Op("fully_connected", ["x", "w", "b"], ["y"], {"activation": "none"}))
    g.inputs, g.outputs = ["x"], ["y"]
    return save_esm(g, tmp_path / f"dense_{in_features}x{out_features}.esm")


def build(*args):
    return CliRunner().invoke(app, ["build", *map(str, args), "--json"])


@pytest.mark.parametrize("board", REAL_BOARDS)
def test_small_model_fits_every_real_board(tmp_path, board):
    result = build(shared_model("tflm/hello_world_int8"), "--board", board, "-o", tmp_path / "fw")
    assert result.exit_code == 0, result.output
    info = json.loads(result.stdout)
    assert 0 < info["flash"]["used"] <= info["flash"]["size"]
    assert 0 < info["ram"]["used"] <= info["ram"]["size"]
    expected = {"elf", "bin", "hex"} | ({"uf2"} if board == "rpi-pico" else set())
    assert set(info["artifacts"]) == expected
    assert json.loads((tmp_path / "fw" / "build.json").read_text())["board"] == board


def test_vww_fits_the_smallest_board(tmp_path):
    """nucleo-f411re: 512 KiB flash, 128 KiB RAM; vww needs ~219 KiB of weights, a ~55 KiB arena."""
    result = build(shared_model("mlperf_tiny/vww_96_int8"), "--board", "nucleo-f411re",
                   "-o", tmp_path / "fw")
    assert result.exit_code == 0, result.output
    info = json.loads(result.stdout)
    assert 219_064 < info["flash"]["used"] < 512 * 1024
    assert info["arena_bytes"] < info["ram"]["used"] < 128 * 1024


def test_too_many_weights_are_refused_naming_flash(tmp_path):
    model = dense_model(tmp_path, 1024, 600)  # 600 KiB of weights > 512 KiB of flash
    result = build(model, "--board", "nucleo-f411re", "-o", tmp_path / "fw")
    assert result.exit_code == 2
    message = json.loads(result.stdout)["error"]["message"]
    assert "does not fit board nucleo-f411re" in message
    assert "FLASH (internal flash, 524,288 bytes) overflows by" in message
    overflow = int(message.split("overflows by ")[1].split(" bytes")[0].replace(",", ""))
    assert 1024 * 600 - 512 * 1024 < overflow < 1024 * 600 - 512 * 1024 + 64 * 1024
    assert not (tmp_path / "fw").exists(), "a refused build writes nothing"


def test_too_large_activations_are_refused_naming_ram(tmp_path):
    model = dense_model(tmp_path, 140_000, 1)  # a 140 kB input in the arena > 128 KiB RAM
    result = build(model, "--board", "nucleo-f411re", "-o", tmp_path / "fw")
    assert result.exit_code == 2
    message = json.loads(result.stdout)["error"]["message"]
    assert "RAM (SRAM, 131,072 bytes) overflows by" in message
    assert "FLASH" not in message


def test_missing_toolchain_names_the_debian_packages(tmp_path, monkeypatch):
    monkeypatch.setenv("EDGESMITH_TOOL_PATH", str(tmp_path))  # a folder with no tools
    result = CliRunner().invoke(app, ["build", str(shared_model("tflm/hello_world_int8")),
                                      "-o", str(tmp_path / "fw")])
    assert result.exit_code == 2
    assert "arm-none-eabi-gcc is not installed" in result.output
    assert "gcc-arm-none-eabi libnewlib-arm-none-eabi" in result.output
    assert "qemu-system-arm" in result.output


def test_build_prints_sizes_against_the_board(tmp_path):
    result = CliRunner().invoke(app, ["build", str(shared_model("tflm/hello_world_int8")),
                                      "--board", "mps2-an386", "-o", str(tmp_path / "fw")])
    assert result.exit_code == 0, result.output
    assert "arm-none-eabi-size: text" in result.stdout and "bss" in result.stdout
    assert "flash" in result.stdout and "of 4,194,304 B (4096.0 KiB)" in result.stdout
