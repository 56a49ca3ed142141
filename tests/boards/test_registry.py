"""Board files: every shipped one is valid; broken ones are refused with a clear message."""

from __future__ import annotations

import json

import pytest
from edgesmith.boards import BoardError, default_board, get_board, list_boards, load_board
from edgesmith.cli import app
from typer.testing import CliRunner

from .helpers import EMULATED_BOARDS, REAL_BOARDS

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
    assert names == set(EMULATED_BOARDS) | set(REAL_BOARDS)
    assert default_board().name == "mps2-an386"
    assert {b.name for b in list_boards() if b.emulated} == set(EMULATED_BOARDS)


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


@pytest.mark.parametrize("edit, complaint", [
    (lambda t: t.replace('name = "myboard"', 'name = "other"'), "must match the file name"),
    (lambda t: t.replace('core = "cortex-m4"', 'core = "cortex-a53"'), "not supported"),
    (lambda t: t.replace("clock_hz = 1_000_000\n", ""), "missing clock_hz"),
    (lambda t: t.replace("size = 0x1000", 'size = "big"', 1), "memory.flash.size must be int"),
    (lambda t: t.replace("origin = 0x20000000", "origin = 0x08000800"), "overlap"),
    (lambda t: t.replace('method = "openocd"', 'method = "jtag"'), "[flash] method"),
    (lambda t: t + "\n[[[", "not valid TOML"),
])
def test_broken_board_files_are_refused(tmp_path, edit, complaint):
    path = tmp_path / "myboard.toml"
    path.write_text(edit(GOOD.format(name="myboard")))
    with pytest.raises(BoardError) as info:
        load_board(path)
    assert complaint in str(info.value) and str(path) in str(info.value)


def test_unknown_board_names_the_choices():
    with pytest.raises(BoardError, match="unknown board 'mps9'.*") as info:
        get_board("mps9")
    assert "mps2-an386" in info.value.hint


def test_cli_lists_boards_as_json():
    result = CliRunner().invoke(app, ["boards", "--json"])
    assert result.exit_code == 0, result.output
    boards = {b["name"]: b for b in json.loads(result.stdout)["boards"]}
    assert boards["mps2-an386"]["default"] and boards["mps2-an386"]["emulated"]
    assert boards["nucleo-f411re"]["ram"]["size"] == 128 * 1024
    assert boards["rpi-pico"]["status"]  # says plainly what is missing


def test_cli_lists_boards_as_a_table():
    result = CliRunner().invoke(app, ["boards"])
    assert result.exit_code == 0
    for name in EMULATED_BOARDS + REAL_BOARDS:
        assert name in result.stdout
