"""The facts the serial harness compiles in (``board/es_board_config.h``), from the board file.

Python computes every value; the template only lists them. A board file's
``[serial]`` keys become ``ES_UART_<KEY>`` and its ``[clock]`` keys
``ES_CLOCK_<KEY>`` (integers in hex, booleans 0/1, lists of integer lists as C
initialisers), so that a driver or clock set-up reads its parameters by name.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from .registry import Board

#: the code of each cycle counter in the HELLO message (serial_link.CYCLE_COUNTERS)
CYCLE_COUNTER_CODES = {"none": 0, "dwt": 1, "systick": 2}
#: [serial] and [clock] keys that choose a C file rather than configure it
_FILE_KEYS = ("driver", "setup")


def model_hash(model_dir: Path) -> bytes:
    """The first 8 bytes of the SHA-256 of a generated model folder (names and contents)."""
    digest = hashlib.sha256()
    for path in sorted(p for p in Path(model_dir).rglob("*") if p.is_file()):
        digest.update(f"{path.relative_to(model_dir).as_posix()}\n".encode())
        digest.update(path.read_bytes())
    return digest.digest()[:8]


def c_literal(value) -> str:
    """A board file value as C: integers in hex, booleans 0/1, lists as initialisers."""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int):
        return f"0x{value:X}u"
    if isinstance(value, list):
        return "{" + ", ".join(c_literal(v) for v in value) + "}"
    raise ValueError(f"a board file value for C must be an integer, boolean or list: {value!r}")


def board_defines(board: Board) -> list[tuple[str, str]]:
    """(name, value) of every ``#define`` of es_board_config.h."""
    serial = board.serial
    skip_clock = "clock_setup" in board.skips
    uart_hz = serial.get("clock_hz", 0)
    if not board.emulated and board.clock_setup == "reset":
        uart_hz = serial.get("reset_clock_hz", uart_hz)
    defines = [("ES_BOARD_NAME", f'"{board.name}"'),
               ("ES_CORE_HZ", f"{board.core_hz}u"),
               ("ES_UART_CLOCK_HZ", f"{uart_hz}u"),
               ("ES_SKIP_CLOCK_SETUP", "1" if skip_clock else "0"),
               ("ES_CYCLE_COUNTER", str(CYCLE_COUNTER_CODES[board.cycle_counter]))]
    for prefix, table in (("ES_UART_", serial), ("ES_CLOCK_", board.clock)):
        for key, value in table.items():
            if key not in _FILE_KEYS and key not in ("clock_hz", "reset_clock_hz"):
                defines.append((prefix + key.upper(), c_literal(value)))
    return defines
