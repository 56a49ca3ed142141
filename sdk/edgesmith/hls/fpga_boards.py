"""FPGA boards: one TOML file per board under ``boards/fpga/`` (``kind = "fpga"``).

They live apart from the microcontroller boards of ``boards/*.toml`` (read by
:mod:`edgesmith.boards.registry`, which globs only that folder), so neither
registry sees the other's files. A board names its part, a default HLS
clock, the DSP slice of its family and the part's resources; ``--board``
picks the part and the clock for ``edgesmith generate hls`` and
``edgesmith estimate``.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from ..errors import EdgesmithError
from ..resources import data_path

#: signed multiplier of one DSP slice: (wide port, narrow port) in bits
DSP_SLICES = {"DSP48E1": (25, 18), "DSP48E2": (27, 18)}
RESOURCES = ("lut", "ff", "dsp", "bram18", "uram")


class FpgaBoardError(EdgesmithError):
    """An FPGA board file is missing, malformed or unknown."""


@dataclass(frozen=True)
class FpgaBoard:
    name: str
    description: str
    part: str
    clock_ns: float
    dsp_slice: str
    resources: dict[str, int]
    path: Path

    @property
    def multiplier_ports(self) -> tuple[int, int]:
        return DSP_SLICES[self.dsp_slice]


def load_fpga_board(path: str | Path) -> FpgaBoard:
    path = Path(path)
    try:
        raw = tomllib.loads(path.read_text())
    except FileNotFoundError:
        raise FpgaBoardError(f"FPGA board file {path} does not exist") from None
    except tomllib.TOMLDecodeError as exc:
        raise FpgaBoardError(f"FPGA board file {path} is not valid TOML: {exc}") from None

    def need(key: str, kind: type, table: dict = raw):
        value = table.get(key)
        if not isinstance(value, kind) or isinstance(value, bool):
            raise FpgaBoardError(f"FPGA board file {path}: {key} must be a {kind.__name__}")
        return value

    if raw.get("kind") != "fpga":
        raise FpgaBoardError(f"{path} is not an FPGA board file (it needs kind = \"fpga\")")
    if need("name", str) != path.stem:
        raise FpgaBoardError(f"FPGA board file {path}: name must match the file name")
    slice_ = need("dsp_slice", str)
    if slice_ not in DSP_SLICES:
        raise FpgaBoardError(f"FPGA board file {path}: dsp_slice {slice_!r} is not one of "
                             f"{', '.join(DSP_SLICES)}")
    table = raw.get("resources", {})
    resources = {key: need(key, int, table) for key in RESOURCES}
    clock = raw.get("clock_ns")
    if not isinstance(clock, (int, float)) or isinstance(clock, bool) or clock <= 0:
        raise FpgaBoardError(f"FPGA board file {path}: clock_ns must be a positive number")
    return FpgaBoard(raw["name"], need("description", str), need("part", str), float(clock),
                     slice_, resources, path)


def fpga_boards_dir() -> Path:
    return data_path("boards", "fpga")


@cache
def _shipped() -> dict[str, FpgaBoard]:
    return {b.name: b for b in map(load_fpga_board, sorted(fpga_boards_dir().glob("*.toml")))}


def list_fpga_boards() -> list[FpgaBoard]:
    return list(_shipped().values())


def get_fpga_board(name_or_path: str | Path) -> FpgaBoard:
    """A shipped FPGA board by name, or a board file of one's own by path."""
    text = str(name_or_path)
    if text.endswith(".toml"):
        return load_fpga_board(text)
    boards = _shipped()
    if text not in boards:
        raise FpgaBoardError(f"unknown FPGA board {text!r}",
                             hint=f"one of {', '.join(sorted(boards))}, or a path to a .toml "
                                  "FPGA board file")
    return boards[text]


def board_for_part(part: str) -> FpgaBoard | None:
    """The shipped board with this part, if any (its resources describe the part)."""
    return next((b for b in _shipped().values() if b.part.lower() == part.lower()), None)
