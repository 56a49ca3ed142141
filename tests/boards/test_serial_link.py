"""The serial link protocol's host side on its own: frame layout and checksums, the HELLO
layout, and board files whose [serial], [clock] or [emulator] tables are wrong."""

from __future__ import annotations

import struct
import zlib

import pytest
from edgesmith.boards import BoardError, get_board
from edgesmith.boards.serial_link import HEADER_BYTES, HELLO, Hello, LinkError, encode_frame

from .test_registry import GOOD


def test_frame_layout_and_checksums():
    frame = encode_frame(ord("i"), 7, b"\x01\x02\x03")
    assert frame[:8] == b"ES" + bytes([ord("i"), 7]) + (3).to_bytes(4, "little")
    assert frame[8:12] == zlib.crc32(frame[:8]).to_bytes(4, "little")
    assert frame[HEADER_BYTES:-4] == b"\x01\x02\x03"
    assert frame[-4:] == (0x55BC801D).to_bytes(4, "little")  # CRC-32 of 01 02 03
    assert encode_frame(HELLO, 1)[-4:] == b"\x00\x00\x00\x00"  # CRC-32 of nothing


def _hello_payload(version: int = 1) -> bytes:
    sizes = struct.pack("<3I", 490, 12, 4)
    return (bytes([version, 0, 1, 2]) + struct.pack("<I", 100_000_000) + bytes(range(8)) +
            struct.pack("<BBH", 2, 1, 0) + sizes + b"\x0dnucleo-f411re" + b"\x03kws")


def test_hello_is_decoded():
    hello = Hello.decode(_hello_payload())
    assert (hello.board, hello.model, hello.clock_hz) == ("nucleo-f411re", "kws", 100_000_000)
    assert hello.cycle_counter == "dwt" and hello.clock_setup_skipped and not hello.trace
    assert hello.model_hash == bytes(range(8))
    assert (hello.input_bytes, hello.output_bytes, hello.patches) == ((490, 12), (4,), 0)


def test_hello_of_another_protocol_version_is_refused():
    with pytest.raises(LinkError, match="protocol version 9"):
        Hello.decode(_hello_payload(version=9))


SERIAL = """
[serial]
driver = "{driver}"
base = 0x40004400
baud = 115200
clock_hz = 16_000_000
"""


@pytest.mark.parametrize("extra, problem", [
    (SERIAL.format(driver="no_such_uart"), "driver 'no_such_uart' has no boards/serial/"),
    (SERIAL.format(driver="stm32_usart").replace("baud = 115200\n", ""), "missing serial.baud"),
    ('[clock]\nsetup = "warp"\n', "setup 'warp' has no boards/clock/es_clock_warp.c"),
    ('[emulator]\nqemu_machine = "x"\nskip = ["rcc"]\n', "skip may hold clock_setup, dwt"),
    ('[emulator]\nqemu_machine = "x"\nio = "usb"\n', "io must be one of semihosting, serial"),
])
def test_wrong_serial_or_clock_tables_are_refused(tmp_path, extra, problem):
    path = tmp_path / "myboard.toml"
    path.write_text(GOOD.format(name="myboard") + extra)
    with pytest.raises(BoardError, match=problem):
        get_board(str(path))


def test_a_real_board_with_serial_talks_serial(tmp_path):
    path = tmp_path / "myboard.toml"
    path.write_text(GOOD.format(name="myboard") + SERIAL.format(driver="stm32_usart"))
    board = get_board(str(path))
    assert (board.io, board.clock_setup, board.cycle_counter) == ("serial", "reset", "dwt")
