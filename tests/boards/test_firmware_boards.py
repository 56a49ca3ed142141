"""Startup code and linker scripts: the fixture firmware builds for every board, its
sections sit in the board's memory, and on every emulated board it boots and runs."""

from __future__ import annotations

import subprocess

import numpy as np
import pytest
from edgesmith.boards import get_board, list_boards
from edgesmith.boards.build import build_firmware
from edgesmith.boards.qemu import EmulatorError, run_on_qemu
from edgesmith.boards.uf2 import uf2_to_bin

from .helpers import EMULATED_BOARDS, fixture_model_dir, needs_cross, needs_qemu

pytestmark = needs_cross


@pytest.fixture(scope="module")
def images(tmp_path_factory):
    """The fixture firmware built once per board (a few seconds each)."""
    tmp = tmp_path_factory.mktemp("firmware")
    model = fixture_model_dir(tmp)
    return {b.name: build_firmware(None, b, tmp / b.name, model_dir=model)
            for b in list_boards()}


def _symbols(elf) -> dict[str, int]:
    out = subprocess.run(["arm-none-eabi-nm", str(elf)], capture_output=True, text=True,
                         check=True).stdout
    return {p[2]: int(p[0], 16) for p in (line.split() for line in out.splitlines())
            if len(p) == 3}


@pytest.mark.parametrize("board", [b.name for b in list_boards()])
def test_sections_sit_in_the_board_memory(images, board):
    image, b = images[board], get_board(board)
    sym = _symbols(image.elf)
    assert sym["es_vector_table"] == b.flash.origin, "the vector table starts the image"
    assert b.flash.origin <= sym["es_reset_handler"] < b.flash.end
    assert b.ram.origin <= sym["__bss_start"] <= sym["__bss_end"] < sym["__stack_top"] <= b.ram.end
    assert sym["__stack_top"] - sym["__bss_end"] >= b.stack_bytes
    start = b.flash.origin - b.image_origin  # the RP2040's boot2 comes first
    words = np.frombuffer((image.folder / "firmware.bin").read_bytes()[start:start + 8], "<u4")
    assert words[0] == sym["__stack_top"]
    assert words[1] == sym["es_reset_handler"] | 1, "reset vector is a Thumb address"
    assert image.sizes.flash <= b.flash.size and image.sizes.ram <= b.ram.size
    assert {"elf", "bin", "hex"} <= set(image.artifacts())


def test_rp2040_gets_a_uf2_of_boot2_and_firmware_at_the_start_of_flash(images):
    image = images["rpi-pico"]
    base, data = uf2_to_bin((image.folder / "firmware.uf2").read_bytes())
    assert base == 0x10000000
    assert data[:len(image.elf.with_suffix(".bin").read_bytes())] == \
        image.elf.with_suffix(".bin").read_bytes()
    sym = _symbols(image.elf)
    assert sym["es_boot2"] == 0x10000000 and sym["es_vector_table"] == 0x10000100


def test_rp2040_boot2_carries_the_crc_the_boot_rom_checks(images):
    from edgesmith.boards.boot2 import crc32_mpeg2

    assert crc32_mpeg2(b"123456789") == 0x0376E6E7  # the CRC-32/MPEG-2 check value
    boot2 = (images["rpi-pico"].folder / "firmware.bin").read_bytes()[:256]
    assert int.from_bytes(boot2[252:], "little") == crc32_mpeg2(boot2[:252]) != 0
    # it runs from SRAM, not where it is linked: no word may point into its own 256 bytes
    words = np.frombuffer(boot2[:252], "<u4")
    assert not np.any((words >= 0x10000000) & (words < 0x10000100))


@needs_qemu
@pytest.mark.parametrize("board", EMULATED_BOARDS)
def test_fixture_boots_and_computes_on_every_emulated_board(images, board):
    x = np.array([[1, 2, 3, 4], [125, 126, 127, -128], [0, 0, 0, 0]], np.int8)
    run = run_on_qemu(images[board], [x], count_instructions=True)
    expected = np.minimum(x.astype(np.int16) + 3, 127).astype(np.int8)
    np.testing.assert_array_equal(run.outputs[0].view(np.int8), expected)
    assert len(set(run.instructions.per_sample)) == 1 and run.instructions.per_sample[0] > 0
    np.testing.assert_array_equal(run.cycles, 0)  # QEMU does not model the DWT counter


@needs_qemu
def test_input_for_another_model_is_refused_by_the_firmware(images):
    from edgesmith.boards.project import ModelApi

    image = images["mps2-an386"]
    other = ModelApi("other", "OTHER", (5,), (4,), 0)
    wrong = type(image)(image.folder, image.board, other, image.sizes, image.trace)
    with pytest.raises(EmulatorError, match="status 11: input.bin does not match"):
        run_on_qemu(wrong, [np.zeros((1, 5), np.int8)])


def test_emulator_refuses_a_real_board(images):
    with pytest.raises(EmulatorError, match="real board"):
        run_on_qemu(images["nucleo-f411re"], [np.zeros((1, 4), np.int8)])
