"""Board files: one TOML file per board under ``boards/`` (see boards/README.md).

``load_board(path)`` reads and checks one file and says exactly what is wrong
with it; ``list_boards()`` loads every board shipped with edgesmith;
``get_board(name)`` finds one by name (or takes a path to a board file of the
user's own).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from ..errors import EdgesmithError
from ..resources import data_path

#: Cores the startup code and the toolchain file support, and their architecture.
CORES = {
    "cortex-m0plus": "armv6-m",
    "cortex-m3": "armv7-m",
    "cortex-m4": "armv7e-m",
    "cortex-m7": "armv7e-m",
    "cortex-m33": "armv8-m.main",
    "cortex-m55": "armv8.1-m.main",
}
FLASH_METHODS = ("pyocd", "openocd", "uf2")


class BoardError(EdgesmithError):
    """A board file is missing, malformed or inconsistent."""


@dataclass(frozen=True)
class MemoryRegion:
    name: str
    origin: int
    size: int

    @property
    def end(self) -> int:
        return self.origin + self.size


@dataclass(frozen=True)
class Board:
    name: str
    description: str
    core: str
    fpu: str
    clock_hz: int
    flash: MemoryRegion
    ram: MemoryRegion
    cflags: tuple[str, ...]
    stack_bytes: int
    path: Path
    #: the clock the core runs at out of reset (our startup sets up no PLL)
    reset_clock_hz: int | None = None
    qemu_machine: str | None = None
    #: how to program a real board: {"method": ..., "pyocd_target": ..., ...}
    flashing: dict = field(default_factory=dict)
    default: bool = False
    #: what does not work yet, said plainly (empty when everything does)
    status: str = ""

    @property
    def emulated(self) -> bool:
        return self.qemu_machine is not None

    @property
    def arch(self) -> str:
        return CORES[self.core]

    @property
    def has_fpu(self) -> bool:
        return self.fpu != "none"

    @property
    def has_cycle_counter(self) -> bool:
        """The DWT cycle counter exists on every supported core but ARMv6-M."""
        return self.arch != "armv6-m"

    def how_to_run(self) -> str:
        if self.emulated:
            return f"QEMU {self.qemu_machine}"
        method = self.flashing["method"]
        target = self.flashing.get("pyocd_target") if method == "pyocd" else None
        return f"{method} ({target})" if target else method


def load_board(path: str | Path) -> Board:
    """Read and check one board file."""
    path = Path(path)
    try:
        raw = tomllib.loads(path.read_text())
    except FileNotFoundError:
        raise BoardError(f"board file {path} does not exist") from None
    except tomllib.TOMLDecodeError as exc:
        raise BoardError(f"board file {path} is not valid TOML: {exc}") from None
    reader = _Fields(raw, path)
    name = reader.get("name", str)
    if name != path.stem:
        raise BoardError(f"board file {path}: name {name!r} must match the file name "
                         f"{path.stem!r}")
    core = reader.get("core", str)
    if core not in CORES:
        raise BoardError(f"board file {path}: core {core!r} is not supported; "
                         f"one of {', '.join(CORES)}")
    flash, ram = (_region(reader, key) for key in ("flash", "ram"))
    if flash.origin < ram.end and ram.origin < flash.end:
        raise BoardError(f"board file {path}: memory.flash and memory.ram overlap")
    emulator = raw.get("emulator", {})
    flashing = raw.get("flash", {})
    if not emulator and flashing.get("method") not in FLASH_METHODS:
        raise BoardError(f"board file {path}: a real board needs [flash] method = one of "
                         f"{', '.join(FLASH_METHODS)}; an emulated one needs [emulator]")
    if flashing.get("method") == "uf2" and not isinstance(flashing.get("uf2_family"), int):
        raise BoardError(f"board file {path}: [flash] method uf2 needs uf2_family (an integer)")
    return Board(
        name=name, description=reader.get("description", str), core=core,
        fpu=reader.get("fpu", str), clock_hz=reader.get("clock_hz", int),
        flash=flash, ram=ram, cflags=tuple(reader.get("build.cflags", list)),
        stack_bytes=reader.get("build.stack_bytes", int), path=path,
        reset_clock_hz=raw.get("reset_clock_hz"), qemu_machine=emulator.get("qemu_machine"),
        flashing=dict(flashing), default=bool(raw.get("default", False)),
        status=str(raw.get("status", "")))


class _Fields:
    """Required fields by dotted key, with the file named in every complaint."""

    def __init__(self, raw: dict, path: Path):
        self.raw, self.path = raw, path

    def get(self, key: str, kind: type):
        node = self.raw
        for part in key.split("."):
            if not isinstance(node, dict) or part not in node:
                raise BoardError(f"board file {self.path}: missing {key}")
            node = node[part]
        if not isinstance(node, kind) or (kind is int and isinstance(node, bool)):
            raise BoardError(f"board file {self.path}: {key} must be {kind.__name__}, "
                             f"got {node!r}")
        if kind is int and node <= 0 and not key.endswith("origin"):
            raise BoardError(f"board file {self.path}: {key} must be positive, got {node}")
        return node


def _region(reader: _Fields, key: str) -> MemoryRegion:
    origin = reader.get(f"memory.{key}.origin", int)
    if origin < 0 or origin % 4:
        raise BoardError(f"board file {reader.path}: memory.{key}.origin must be a "
                         "non-negative multiple of 4")
    return MemoryRegion(reader.get(f"memory.{key}.name", str), origin,
                        reader.get(f"memory.{key}.size", int))


def boards_dir() -> Path:
    return data_path("boards")


@cache
def _shipped() -> dict[str, Board]:
    boards = [load_board(p) for p in sorted(boards_dir().glob("*.toml"))]
    defaults = [b.name for b in boards if b.default]
    if len(defaults) != 1:
        raise BoardError(f"exactly one shipped board must say default = true; found {defaults}")
    return {b.name: b for b in boards}


def list_boards() -> list[Board]:
    """Every board edgesmith ships, emulated ones first, then by name."""
    return sorted(_shipped().values(), key=lambda b: (not b.emulated, b.name))


def default_board() -> Board:
    return next(b for b in _shipped().values() if b.default)


def get_board(name_or_path: str | Path) -> Board:
    """A shipped board by name, or a board file of one's own by path."""
    text = str(name_or_path)
    if text.endswith(".toml"):
        return load_board(text)
    boards = _shipped()
    if text not in boards:
        raise BoardError(f"unknown board {text!r}",
                         hint=f"one of {', '.join(sorted(boards))}, or a path to a .toml "
                              "board file; `edgesmith boards` lists them")
    return boards[text]
