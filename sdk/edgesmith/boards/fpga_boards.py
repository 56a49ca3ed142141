"""FPGA boards: one TOML file per board under ``boards/fpga/`` (``kind = "fpga"``).

They live apart from the microcontroller boards of ``boards/*.toml`` (read by
:mod:`edgesmith.boards.registry`, which globs only that folder), so neither
registry sees the other's files; both read, check and look up their files with
:mod:`edgesmith.boards.board_files`. A board names its part, a default HLS
clock, the DSP slice of its family and the part's resources; ``--board``
picks the part and the clock for ``edgesmith generate hls`` and
``edgesmith estimate``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .board_files import BoardCatalog, BoardFields
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

    @property
    def clock_mhz(self) -> float:
        return 1e3 / self.clock_ns


def load_fpga_board(path: str | Path) -> FpgaBoard:
    fields = BoardFields(path, "FPGA board", FpgaBoardError)
    fields.require_kind("fpga", hint="microcontroller board files are for `edgesmith build`, "
                                     "`run` and `verify --target qemu:BOARD`")
    name = fields.name()
    slice_ = fields.get("dsp_slice", str)
    if slice_ not in DSP_SLICES:
        fields.fail(f"dsp_slice {slice_!r} is not one of {', '.join(DSP_SLICES)}")
    resources = {key: fields.get(f"resources.{key}", int, non_negative=True)
                 for key in RESOURCES}
    return FpgaBoard(name, fields.get("description", str), fields.get("part", str),
                     fields.get("clock_ns", float, positive=True), slice_, resources,
                     fields.path)


def fpga_boards_dir() -> Path:
    return data_path("boards", "fpga")


def _mcu_boards():
    from .registry import MCU_BOARDS

    return MCU_BOARDS


#: the FPGA boards of ``boards/fpga/*.toml``
FPGA_BOARDS = BoardCatalog(
    "FPGA board", fpga_boards_dir, load_fpga_board, FpgaBoardError, other=_mcu_boards,
    described_as="an FPGA board, for `edgesmith generate hls --board` and "
                 "`edgesmith estimate --board`")


def list_fpga_boards() -> list[FpgaBoard]:
    return list(FPGA_BOARDS.shipped().values())


def get_fpga_board(name_or_path: str | Path) -> FpgaBoard:
    """A shipped FPGA board by name, or a board file of one's own by path."""
    return FPGA_BOARDS.get(name_or_path)


def board_for_part(part: str) -> FpgaBoard | None:
    """The shipped board with this part, if any (its resources describe the part)."""
    return next((b for b in list_fpga_boards() if b.part.lower() == part.lower()), None)
