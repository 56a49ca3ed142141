"""Flashing real boards: the commands built, and a clear refusal when nothing is attached.
No board is attached here and none is faked: programming itself is not exercised."""

from __future__ import annotations

import pytest
from edgesmith.boards import get_board
from edgesmith.boards.build import build_firmware
from edgesmith.boards.flash import NoProbeError, flash_firmware, openocd_command, uf2_drives
from edgesmith.boards.uf2 import bin_to_uf2, uf2_to_bin
from edgesmith.cli import app
from typer.testing import CliRunner

from .helpers import CROSS_REASON, HAVE_CROSS, fixture_model_dir


def test_openocd_command_programs_verifies_and_resets(tmp_path):
    elf = tmp_path / "firmware.elf"
    command = openocd_command(elf, get_board("stm32f746g-disco"), "/usr/bin/openocd")
    assert command == ["/usr/bin/openocd", "-f", "board/stm32f746g-disco.cfg",
                       "-c", f"program {elf} verify reset exit"]
    l4 = openocd_command(elf, get_board("nucleo-l4r5zi"))
    assert l4[1:5] == ["-f", "interface/stlink.cfg", "-f", "target/stm32l4x.cfg"]


def test_uf2_blocks_round_trip():
    image = bytes(range(256)) * 3 + b"\x01\x02"
    data = bin_to_uf2(image, 0x10000100, 0xE48BFF56)
    assert len(data) == 4 * 512
    assert data[28:32] == (0xE48BFF56).to_bytes(4, "little")  # family ID of every block
    base, back = uf2_to_bin(data)
    assert base == 0x10000100 and back[:len(image)] == image


def test_no_uf2_drive_is_found_in_empty_mount_roots(tmp_path):
    assert uf2_drives("RPI-RP2", (str(tmp_path), str(tmp_path / "absent"))) == []
    (tmp_path / "user" / "RPI-RP2").mkdir(parents=True)
    (tmp_path / "user" / "RPI-RP2" / "INFO_UF2.TXT").write_text("UF2 Bootloader")
    assert uf2_drives("RPI-RP2", (str(tmp_path),)) == [tmp_path / "user" / "RPI-RP2"]


@pytest.fixture(scope="module")
def h743_firmware(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("flash")
    if not HAVE_CROSS:
        pytest.skip(CROSS_REASON)
    build_firmware(None, get_board("nucleo-h743zi2"), tmp / "fw", model_dir=fixture_model_dir(tmp))
    return tmp / "fw"


def test_pyocd_board_with_no_probe_attached(h743_firmware):
    """pyOCD (when installed) finds no probe here: exit 2 saying what it looked for."""
    result = CliRunner().invoke(app, ["flash", str(h743_firmware), "--json"])
    assert result.exit_code == 2
    try:
        import pyocd  # noqa: F401
    except ImportError:
        assert "pip install pyocd" in result.output
        return
    assert "no debug probe found: pyOCD looked for CMSIS-DAP, ST-Link and J-Link" in result.output
    assert "stm32h743xx" in result.output and "connect the board's debug USB port" in result.output


def test_flash_refuses_firmware_built_for_another_board(h743_firmware):
    with pytest.raises(Exception, match="was built for nucleo-h743zi2, not nucleo-f411re"):
        flash_firmware(h743_firmware, get_board("nucleo-f411re"))


def test_openocd_board_without_openocd_or_probe(tmp_path):
    """Without OpenOCD: the Debian package to install; with it but no probe: what it tried."""
    if not HAVE_CROSS:
        pytest.skip(CROSS_REASON)
    build_firmware(None, get_board("nucleo-f411re"), tmp_path / "fw",
                   model_dir=fixture_model_dir(tmp_path))
    result = CliRunner().invoke(app, ["flash", str(tmp_path / "fw")])
    assert result.exit_code == 2
    assert ("apt-get install --no-install-recommends openocd" in result.output
            or "no debug probe found: OpenOCD looked for" in result.output)


def test_flash_refuses_an_emulated_board(tmp_path):
    if not HAVE_CROSS:
        pytest.skip(CROSS_REASON)
    build_firmware(None, get_board("mps2-an386"), tmp_path / "fw",
                   model_dir=fixture_model_dir(tmp_path))
    result = CliRunner().invoke(app, ["flash", str(tmp_path / "fw")])
    assert result.exit_code == 2 and "emulated: there is nothing to flash" in result.output


def test_no_probe_error_is_exit_code_2():
    assert NoProbeError("x").exit_code == 2
