"""Serial-harness firmware for the six real boards: builds warning-free with its UART driver
and clock set-up, fits, and carries no semihosting call (which would stop a board without a
debugger). What runs is proven on emulated silicon (test_serial_boards.py)."""

from __future__ import annotations

import subprocess

import pytest
from edgesmith.boards import get_board
from edgesmith.boards.board_config import board_defines
from edgesmith.boards.build import build_firmware
from edgesmith.frontends import load_model

from .helpers import REAL_BOARDS, needs_cross, shared_model

pytestmark = needs_cross

#: board -> (UART driver, clock set-up, cycle counter)
EXPECTED = {
    "nucleo-f411re": ("stm32_usart", "stm32f4f7", "dwt"),
    "stm32f746g-disco": ("stm32_usart", "stm32f4f7", "dwt"),
    "nucleo-h743zi2": ("stm32_usart", "stm32h7", "dwt"),
    "nucleo-l4r5zi": ("stm32_usart", "stm32l4", "dwt"),
    "nrf52840-dk": ("nrf", "nrf52", "dwt"),
    "rpi-pico": ("rp2040", "rp2040", "systick"),
}


@pytest.fixture(scope="module")
def kws_graph():
    return load_model(shared_model("mlperf_tiny/kws_ref_model"))


def _symbols(elf) -> set[str]:
    out = subprocess.run(["arm-none-eabi-nm", str(elf)], capture_output=True, text=True,
                         check=True).stdout
    return {line.split()[-1] for line in out.splitlines() if line.strip()}


def test_every_real_board_has_an_expectation():
    assert set(EXPECTED) == set(REAL_BOARDS)


@pytest.mark.parametrize("name", REAL_BOARDS)
def test_real_board_firmware_builds_warning_free_with_uart_and_clock(tmp_path, kws_graph, name):
    board = get_board(name)
    assert board.io == "serial"
    assert (board.serial["driver"], board.clock_setup, board.cycle_counter) == EXPECTED[name]
    assert board.core_hz == board.clock_hz, "the clock set-up reaches the rated clock"
    image = build_firmware(kws_graph, board, tmp_path / "fw")
    log = (image.folder / "build.log").read_text()
    assert "es_serial_harness.c" in log and f"es_uart_{EXPECTED[name][0]}.c" in log
    assert "warning" not in log.lower(), log
    symbols = _symbols(image.elf)
    assert {"es_uart_init", "es_clock_init", "es_link_read_header"} <= symbols
    assert not any(s.startswith("es_sh_") for s in symbols), "no semihosting on a real board"
    assert image.sizes.flash <= board.flash.size and image.sizes.ram <= board.ram.size


def test_board_config_carries_the_uart_and_clock_parameters():
    defines = dict(board_defines(get_board("nucleo-f411re")))
    assert defines["ES_UART_BASE"] == "0x40004400u" and defines["ES_CORE_HZ"] == "100000000u"
    assert defines["ES_UART_CLOCK_HZ"] == "50000000u" and defines["ES_CLOCK_PLL_N"] == "0x64u"
    assert defines["ES_UART_PINS"] == "{{0x40020000u, 0x2u, 0x7u}, {0x40020000u, 0x3u, 0x7u}}"
    emulated = dict(board_defines(get_board("netduinoplus2")))
    assert emulated["ES_SKIP_CLOCK_SETUP"] == "1" and emulated["ES_CYCLE_COUNTER"] == "2"
