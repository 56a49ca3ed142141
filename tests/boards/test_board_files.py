"""The look-up both kinds of board share (edgesmith.boards.board_files): microcontroller
boards and FPGA boards are read, checked and found by name alike."""

from __future__ import annotations

import pytest
from edgesmith.boards import BoardError, get_board, load_board
from edgesmith.boards.board_files import BoardCatalog
from edgesmith.boards.registry import MCU_BOARDS, boards_dir
from edgesmith.cli import app
from edgesmith.boards.fpga_boards import (
    FPGA_BOARDS,
    FpgaBoardError,
    fpga_boards_dir,
    get_fpga_board,
    load_fpga_board,
)
from typer.testing import CliRunner

from .test_registry import GOOD

FPGA_GOOD = """
name = "{name}"
kind = "fpga"
description = "a test FPGA"
part = "xc7z010clg400-1"
clock_ns = 8
dsp_slice = "DSP48E1"
[resources]
lut = 17600
ff = 35200
dsp = 80
bram18 = 120
uram = 0
"""


def test_fpga_board_file_of_ones_own(tmp_path):
    path = tmp_path / "myfpga.toml"
    path.write_text(FPGA_GOOD.format(name="myfpga"))
    board = get_fpga_board(str(path))
    assert board.clock_ns == 8.0 and isinstance(board.clock_ns, float)  # TOML 8 is a number
    assert board.resources == {"lut": 17600, "ff": 35200, "dsp": 80, "bram18": 120, "uram": 0}
    assert board.multiplier_ports == (25, 18) and board.clock_mhz == 125.0


#: kind -> (file text, file name, loader, error): both kinds complain alike
KINDS = {"mcu": (GOOD, "myboard", load_board, BoardError),
         "fpga": (FPGA_GOOD, "myfpga", load_fpga_board, FpgaBoardError)}


@pytest.mark.parametrize("kind, edit, complaint", [
    ("mcu", lambda t: t.replace('name = "myboard"', 'name = "other"'), "must match the file name"),
    ("mcu", lambda t: t.replace('core = "cortex-m4"', 'core = "cortex-a53"'), "not supported"),
    ("mcu", lambda t: t.replace("clock_hz = 1_000_000\n", ""), "missing clock_hz"),
    ("mcu", lambda t: t.replace("size = 0x1000", 'size = "big"', 1),
     "memory.flash.size must be int"),
    ("mcu", lambda t: t.replace("origin = 0x20000000", "origin = 0x08000800"), "overlap"),
    ("mcu", lambda t: t.replace('method = "openocd"', 'method = "jtag"'), "[flash] method"),
    ("mcu", lambda t: t + "\n[[[", "not valid TOML"),
    ("mcu", lambda t: t.replace("clock_hz = 1_000_000", "clock_hz = 0"),
     "clock_hz must be positive"),
    ("mcu", lambda t: t.replace("clock_hz = 1_000_000", "clock_hz = true"),
     "clock_hz must be int"),
    ("mcu", lambda t: t.replace("stack_bytes = 0x400", "stack_bytes = -4"), "must be positive"),
    ("mcu", lambda t: t.replace("origin = 0x08000000", "origin = 0x08000002"), "multiple of 4"),
    ("mcu", lambda t: 'kind = "fpga"\n' + t, "not 'fpga'"),
    ("mcu", lambda t: "flash = 3\n" + t.split("[flash]")[0], "[flash] must be a table"),
    ("fpga", lambda t: t.replace('name = "myfpga"', 'name = "other"'), "must match the file name"),
    ("fpga", lambda t: t.replace('kind = "fpga"\n', ""), 'needs kind = "fpga"'),
    ("fpga", lambda t: t.replace('kind = "fpga"', 'kind = "mcu"'), "not 'mcu'"),
    ("fpga", lambda t: t.replace('"DSP48E1"', '"DSP58"'), "dsp_slice 'DSP58' is not one of"),
    ("fpga", lambda t: t.replace("clock_ns = 8", "clock_ns = 0"), "clock_ns must be positive"),
    ("fpga", lambda t: t.replace("clock_ns = 8", "clock_ns = true"), "clock_ns must be number"),
    ("fpga", lambda t: t.replace("clock_ns = 8", 'clock_ns = "8"'), "clock_ns must be number"),
    ("fpga", lambda t: t.replace("dsp = 80", "dsp = -1"), "resources.dsp must not be negative"),
    ("fpga", lambda t: t.replace("lut = 17600\n", ""), "missing resources.lut"),
    ("fpga", lambda t: t.replace('part = "xc7z010clg400-1"\n', ""), "missing part"),
    ("fpga", lambda t: t + "\n[[[", "not valid TOML"),
])
def test_broken_board_files_are_refused(tmp_path, kind, edit, complaint):
    text, name, load, error = KINDS[kind]
    path = tmp_path / f"{name}.toml"
    path.write_text(edit(text.format(name=name)))
    with pytest.raises(error) as info:
        load(path)
    assert complaint in str(info.value) and str(path) in str(info.value)


def test_missing_board_files_name_the_kind(tmp_path):
    with pytest.raises(BoardError, match=r"^board file .*nope\.toml does not exist"):
        get_board(str(tmp_path / "nope.toml"))
    with pytest.raises(FpgaBoardError, match=r"^FPGA board file .*nope\.toml does not exist"):
        get_fpga_board(str(tmp_path / "nope.toml"))


def test_each_registry_refuses_the_other_kinds_files():
    with pytest.raises(BoardError, match='needs kind = "mcu"') as info:
        get_board(str(fpga_boards_dir() / "pynq-z2.toml"))
    assert "generate hls" in info.value.hint
    with pytest.raises(FpgaBoardError, match='needs kind = "fpga"'):
        get_fpga_board(str(boards_dir() / "mps2-an386.toml"))


@pytest.mark.parametrize("get, error, typo, meant", [
    (get_board, BoardError, "mps2-an368", "mps2-an386"),
    (get_board, BoardError, "nucleo-f411", "nucleo-f411re"),
    (get_fpga_board, FpgaBoardError, "zcu-104", "zcu104"),
    (get_fpga_board, FpgaBoardError, "pynq_z2", "pynq-z2"),
])
def test_unknown_names_suggest_near_ones(get, error, typo, meant):
    with pytest.raises(error, match=f"unknown .*board '{typo}'") as info:
        get(typo)
    assert info.value.hint.startswith(f"did you mean {meant}")
    assert "`edgesmith boards` lists them" in info.value.hint


def test_unknown_far_names_list_the_choices_only():
    with pytest.raises(FpgaBoardError) as info:
        get_fpga_board("stratix10")
    assert info.value.hint.startswith("one of alveo-u250, pynq-z2, ultra96-v2, zcu104,")


def test_a_name_of_the_other_kind_says_where_it_belongs():
    with pytest.raises(BoardError, match="unknown board 'zcu104'") as info:
        get_board("zcu104")
    assert info.value.hint.startswith("zcu104 is an FPGA board, for `edgesmith generate hls")
    with pytest.raises(FpgaBoardError, match="unknown FPGA board 'mps2-an386'") as info:
        get_fpga_board("mps2-an386")
    assert info.value.hint.startswith("mps2-an386 is a microcontroller board, for "
                                      "`edgesmith build`")


def test_shipped_boards_are_read_once():
    assert MCU_BOARDS.shipped() is MCU_BOARDS.shipped()
    assert FPGA_BOARDS.get("zcu104") is FPGA_BOARDS.get("zcu104")
    assert not set(MCU_BOARDS.shipped()) & set(FPGA_BOARDS.shipped())


def test_a_catalog_check_runs_on_the_whole_folder(tmp_path):
    """The microcontroller registry's check (exactly one default board) sees every file."""
    from edgesmith.boards.registry import _one_default

    for name in ("a", "b"):
        (tmp_path / f"{name}.toml").write_text("default = true\n" + GOOD.format(name=name))
    catalog = BoardCatalog("board", lambda: tmp_path, load_board, BoardError,
                           described_as="a test board", check=_one_default)
    with pytest.raises(BoardError, match=r"exactly one .* found \['a', 'b'\]"):
        catalog.shipped()


@pytest.mark.parametrize("argv, said", [
    (["build", "m.tflite", "--board", "pynq-z2", "-o", "fw"], "pynq-z2 is an FPGA board"),
    (["estimate", "m.tflite", "--board", "zcu-104"], "did you mean zcu104"),
    (["bench", "latency", "m.tflite", "--board", "mps2-an50"],
     "did you mean mps2-an505, mps2-an500 or mps2-an385?"),
])
def test_cli_board_mistakes_are_explained(argv, said):
    result = CliRunner().invoke(app, argv)
    assert result.exit_code == 2
    assert said in result.output and "Traceback" not in result.output
