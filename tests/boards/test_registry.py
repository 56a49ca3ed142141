"""Board files: every shipped one is valid; broken ones are refused with a clear message."""

from __future__ import annotations

import json

import pytest
from edgesmith.boards import BoardError, default_board, get_board, list_boards
from edgesmith.cli import app
from typer.testing import CliRunner

from .helpers import EMULATED_BOARDS, REAL_BOARDS, SERIAL_EMULATED_BOARDS

ALL_BOARDS = EMULATED_BOARDS + SERIAL_EMULATED_BOARDS + REAL_BOARDS

GOOD = """
name = "{name}"
description = "a test board"
core = "cortex-m4"
fpu = "fpv4-sp-d16"
clock_hz = 1_000_000
[memory.flash]
name = "flash"
origin = 0x08000000
size = 0x1000
[memory.ram]
name = "ram"
origin = 0x20000000
size = 0x1000
[build]
cflags = ["-mcpu=cortex-m4"]
stack_bytes = 0x400
[flash]
method = "openocd"
openocd_config = ["board/x.cfg"]
"""


def test_shipped_boards_are_the_expected_ones():
    names = {b.name for b in list_boards()}
    assert names == set(ALL_BOARDS)
    assert default_board().name == "mps2-an386"
    assert {b.name for b in list_boards() if b.emulated} == \
        set(EMULATED_BOARDS) | set(SERIAL_EMULATED_BOARDS)


@pytest.mark.parametrize("board", [b.name for b in list_boards()])
def test_board_file_is_consistent(board):
    b = get_board(board)
    assert b.flash.size > 0 and b.ram.size > b.stack_bytes
    assert any(f"-mcpu={b.core}" == flag for flag in b.cflags)
    assert ("-mfloat-abi=soft" in b.cflags) == (not b.has_fpu) or b.core == "cortex-m55"
    if b.emulated:
        assert b.qemu_machine == b.name
    else:
        assert b.flashing["method"] in ("pyocd", "openocd", "uf2")
        assert b.reset_clock_hz, "real boards say which clock our startup leaves them at"


def test_own_board_file_by_path(tmp_path):
    path = tmp_path / "myboard.toml"
    path.write_text(GOOD.format(name="myboard"))
    assert get_board(str(path)).flash.origin == 0x08000000


def test_unknown_board_names_the_choices():
    with pytest.raises(BoardError, match="unknown board 'mps9'.*") as info:
        get_board("mps9")
    assert "mps2-an386" in info.value.hint


#: the keys every microcontroller entry of `edgesmith boards --json` has had from the start
MCU_JSON_KEYS = {"name", "description", "core", "fpu", "clock_hz", "reset_clock_hz", "flash",
                 "ram", "emulated", "qemu_machine", "flash_method", "default", "status"}


def test_cli_lists_boards_as_json():
    result = CliRunner().invoke(app, ["boards", "--json"])
    assert result.exit_code == 0, result.output
    listing = json.loads(result.stdout)
    boards = {b["name"]: b for b in listing["boards"]}
    assert set(boards) == set(ALL_BOARDS)  # FPGAs are listed apart
    assert all(MCU_JSON_KEYS <= set(b) and b["kind"] == "mcu" for b in boards.values())
    assert boards["mps2-an386"]["default"] and boards["mps2-an386"]["emulated"]
    assert boards["nucleo-f411re"]["ram"]["size"] == 128 * 1024
    assert not any(b["status"] for b in boards.values())  # nothing is known not to work
    assert "verify --target qemu:mps2-an505" in boards["mps2-an505"]["commands"]
    assert boards["nucleo-f411re"]["commands"] == ["build", "flash", "run --port",
                                                   "verify --board --port",
                                                   "bench latency --port"]


def test_cli_lists_fpga_boards_as_json():
    result = CliRunner().invoke(app, ["boards", "--json"])
    assert result.exit_code == 0, result.output
    fpga = {b["name"]: b for b in json.loads(result.stdout)["fpga_boards"]}
    assert set(fpga) == {"pynq-z2", "ultra96-v2", "zcu104", "alveo-u250"}
    pynq = fpga["pynq-z2"]
    assert (pynq["kind"], pynq["part"], pynq["clock_ns"], pynq["clock_mhz"]) == \
        ("fpga", "xc7z020clg400-1", 10.0, 100.0)
    assert pynq["resources"]["dsp"] == 220 and pynq["dsp_slice"] == "DSP48E1"
    assert fpga["alveo-u250"]["clock_mhz"] == 300.3  # 1000 / 3.33 ns, rounded
    assert all(b["commands"] == ["generate hls", "estimate", "verify --target hls-csim"]
               for b in fpga.values())


def test_cli_lists_boards_as_a_table():
    result = CliRunner().invoke(app, ["boards"])
    assert result.exit_code == 0
    for name in ALL_BOARDS:
        assert name in result.stdout
    fpga = result.stdout[result.stdout.index("FPGA boards"):]
    for name, part in (("pynq-z2", "xc7z020clg400-1"), ("zcu104", "xczu7ev-ffvc1156-2-e")):
        assert name in fpga and part in fpga
    assert "100 MHz (10 ns)" in fpga and "220 DSP48E1" in fpga
    assert "--target hls-csim" in fpga
