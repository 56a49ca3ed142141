"""Board files: one TOML file per board under ``boards/`` (see boards/README.md).

``load_board(path)`` reads and checks one file and says exactly what is wrong
with it; ``list_boards()`` loads every board shipped with edgesmith;
``get_board(name)`` finds one by name (or takes a path to a board file of the
user's own). Reading, field checks and look-up by name are shared with the FPGA
boards (:mod:`.board_files`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..errors import EdgesmithError
from ..resources import data_path
from .board_files import BoardCatalog, BoardFields

#: Cores the startup code and the toolchain file support, and their architecture.
CORES = {
    "cortex-m0": "armv6-m",
    "cortex-m0plus": "armv6-m",
    "cortex-m3": "armv7-m",
    "cortex-m4": "armv7e-m",
    "cortex-m7": "armv7e-m",
    "cortex-m33": "armv8-m.main",
    "cortex-m55": "armv8.1-m.main",
}
FLASH_METHODS = ("pyocd", "openocd", "uf2")
#: how the harness talks to the host: files through semihosting, or frames over a UART
IO_KINDS = ("semihosting", "serial")
#: what an emulator may leave out, skipped on emulated silicon by [emulator] skip
EMULATOR_SKIPS = ("clock_setup", "dwt")


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
    #: "semihosting" or "serial" (the real-board harness, boards/harness/es_serial_harness.c)
    io: str = "semihosting"
    #: the [serial] table: driver (boards/serial/es_uart_<driver>.c), base, baud, ...
    serial: dict = field(default_factory=dict)
    #: the [clock] table: setup (boards/clock/es_clock_<setup>.c) and its parameters
    clock: dict = field(default_factory=dict)
    #: what the emulator does not model and the firmware skips (EMULATOR_SKIPS)
    skips: frozenset = frozenset()
    #: which of QEMU's -serial ports is the board's UART (0: the first)
    qemu_serial_index: int = 0
    #: a second stage boot before the flash region (RP2040): {"source": ..., "origin": ...}
    boot2: dict = field(default_factory=dict)

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

    @property
    def cycle_counter(self) -> str:
        """What the harness counts cycles with: "dwt", "systick" (serial boards without a
        usable DWT) or "none"."""
        if self.has_cycle_counter and "dwt" not in self.skips:
            return "dwt"
        return "systick" if self.io == "serial" else "none"

    @property
    def image_origin(self) -> int:
        """Where the firmware image (BIN, UF2) starts: the boot2 stage, else the flash."""
        return self.boot2["origin"] if self.boot2 else self.flash.origin

    @property
    def clock_setup(self) -> str:
        """The clock set-up code the firmware runs ("reset": none)."""
        return self.clock.get("setup", "reset")

    @property
    def core_hz(self) -> int:
        """The clock the firmware runs at: the rated one once set up (or on an emulator,
        whose clock is fixed), else the reset clock."""
        if self.emulated or self.clock_setup != "reset":
            return self.clock_hz
        return self.reset_clock_hz or self.clock_hz

    def how_to_run(self) -> str:
        serial = ", serial port" if self.io == "serial" else ""
        if self.emulated:
            return f"QEMU {self.qemu_machine}{serial}"
        method = self.flashing["method"]
        target = self.flashing.get("pyocd_target") if method == "pyocd" else None
        return (f"{method} ({target})" if target else method) + serial


def load_board(path: str | Path) -> Board:
    """Read and check one board file."""
    fields = BoardFields(path, "board", BoardError)
    path, raw = fields.path, fields.raw
    fields.require_kind("mcu", default="mcu",
                        hint="FPGA board files are for `edgesmith generate hls` and `estimate`")
    name = fields.name()
    core = fields.get("core", str)
    if core not in CORES:
        fields.fail(f"core {core!r} is not supported; one of {', '.join(CORES)}")
    flash, ram = (_region(fields, key) for key in ("flash", "ram"))
    if flash.origin < ram.end and ram.origin < flash.end:
        fields.fail("memory.flash and memory.ram overlap")
    emulator, flashing = fields.table("emulator"), fields.table("flash")
    if not emulator and flashing.get("method") not in FLASH_METHODS:
        fields.fail(f"a real board needs [flash] method = one of {', '.join(FLASH_METHODS)}; "
                    "an emulated one needs [emulator]")
    if flashing.get("method") == "uf2" and not isinstance(flashing.get("uf2_family"), int):
        fields.fail("[flash] method uf2 needs uf2_family (an integer)")
    io = _io_fields(fields, emulator)
    return Board(
        name=name, description=fields.get("description", str), core=core,
        fpu=fields.get("fpu", str), clock_hz=fields.get("clock_hz", int, positive=True),
        flash=flash, ram=ram, cflags=tuple(fields.get("build.cflags", list)),
        stack_bytes=fields.get("build.stack_bytes", int, positive=True), path=path,
        reset_clock_hz=raw.get("reset_clock_hz"), qemu_machine=emulator.get("qemu_machine"),
        flashing=dict(flashing), default=bool(raw.get("default", False)),
        status=str(raw.get("status", "")), io=io, serial=dict(fields.table("serial")),
        clock=dict(fields.table("clock")), skips=frozenset(emulator.get("skip", ())),
        qemu_serial_index=int(emulator.get("serial_index", 0)), boot2=_boot2(fields, flash))


def _boot2(fields: BoardFields, flash: MemoryRegion) -> dict:
    """The [boot2] table: a 256-byte stage right before the flash region."""
    boot2 = fields.table("boot2")
    if boot2:
        source, origin = fields.get("boot2.source", str), fields.get("boot2.origin", int)
        if not (boards_dir() / "startup" / source).is_file():
            fields.fail(f"[boot2] source {source!r} is not in boards/startup/")
        if origin + 0x100 != flash.origin:
            fields.fail("[boot2] origin must be 256 bytes before memory.flash.origin")
    return dict(boot2)


def _io_fields(fields: BoardFields, emulator: dict) -> str:
    """Check the serial harness's tables; returns how the harness talks to the host."""
    serial, clock = fields.table("serial"), fields.table("clock")
    io = emulator.get("io", "semihosting") if emulator else ("serial" if serial else "semihosting")
    if io not in IO_KINDS:
        fields.fail(f"[emulator] io must be one of {', '.join(IO_KINDS)}, not {io!r}")
    unknown = set(emulator.get("skip", ())) - set(EMULATOR_SKIPS)
    if unknown:
        fields.fail(f"[emulator] skip may hold {', '.join(EMULATOR_SKIPS)}; "
                    f"not {', '.join(sorted(unknown))}")
    if io == "serial":
        for key in ("driver", "base", "baud", "clock_hz"):
            fields.get(f"serial.{key}", str if key == "driver" else int)
        if not (boards_dir() / "serial" / f"es_uart_{serial['driver']}.c").is_file():
            fields.fail(f"[serial] driver {serial['driver']!r} has no boards/serial/"
                        f"es_uart_{serial['driver']}.c")
    setup = clock.get("setup", "reset")
    if not (boards_dir() / "clock" / f"es_clock_{setup}.c").is_file():
        fields.fail(f"[clock] setup {setup!r} has no boards/clock/es_clock_{setup}.c")
    return io


def _region(fields: BoardFields, key: str) -> MemoryRegion:
    origin = fields.get(f"memory.{key}.origin", int)
    if origin < 0 or origin % 4:
        fields.fail(f"memory.{key}.origin must be a non-negative multiple of 4")
    return MemoryRegion(fields.get(f"memory.{key}.name", str), origin,
                        fields.get(f"memory.{key}.size", int, positive=True))


def boards_dir() -> Path:
    return data_path("boards")


def _one_default(boards: dict[str, Board]) -> None:
    defaults = [b.name for b in boards.values() if b.default]
    if len(defaults) != 1:
        raise BoardError(f"exactly one shipped board must say default = true; found {defaults}")


def _fpga_boards():
    from .fpga_boards import FPGA_BOARDS

    return FPGA_BOARDS


#: the microcontroller boards of ``boards/*.toml`` (``boards/fpga/`` is another folder)
MCU_BOARDS = BoardCatalog(
    "board", boards_dir, load_board, BoardError, check=_one_default, other=_fpga_boards,
    described_as="a microcontroller board, for `edgesmith build`, `run`, `flash`, "
                 "`verify --target qemu:BOARD` and `bench latency`")


def list_boards() -> list[Board]:
    """Every board edgesmith ships, emulated ones first, then by name."""
    return sorted(MCU_BOARDS.shipped().values(), key=lambda b: (not b.emulated, b.name))


def default_board() -> Board:
    return next(b for b in MCU_BOARDS.shipped().values() if b.default)


def get_board(name_or_path: str | Path) -> Board:
    """A shipped board by name, or a board file of one's own by path."""
    return MCU_BOARDS.get(name_or_path)
