"""Program a real board with a firmware folder from ``edgesmith build``.

Three ways, as each board file says ([flash] method):

* ``pyocd``: pyOCD's Python API (pip package ``pyocd``, imported only here)
  finds a CMSIS-DAP, ST-Link or J-Link probe over USB and programs the HEX;
* ``openocd``: ``openocd -f <board config> -c "program firmware.elf verify reset exit"``;
* ``uf2``: copy ``firmware.uf2`` to the bootloader's USB drive (RP2040: RPI-RP2).

With nothing attached each says what it looked for and how to connect a board
(:class:`NoProbeError`, exit code 2). None of this is exercised on hardware by
the test suite: it checks the commands built and the empty discoveries only.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from ..errors import EdgesmithError, UnsupportedError
from .build import load_image
from .registry import Board
from .toolchain import require_tool

#: Where desktop Linux and macOS mount USB drives.
MOUNT_ROOTS = ("/media", "/run/media", "/mnt", "/Volumes")
_OPENOCD_NO_PROBE = ("open failed", "no device found", "unable to find", "error: no j-link",
                     "couldn't find", "libusb_open() failed", "no cmsis-dap device found")


class NoProbeError(EdgesmithError):
    """No debug probe or bootloader drive was found (exit code 2)."""


def flash_firmware(folder: str | Path, board: Board | None = None) -> str:
    """Program the firmware in ``folder``; returns a one-line description of what was done."""
    image = load_image(Path(folder))
    board = board or image.board
    if board.name != image.board.name:
        raise EdgesmithError(f"{folder} was built for {image.board.name}, not {board.name}",
                             hint=f"rebuild with `edgesmith build MODEL --board {board.name}`")
    if board.emulated:
        raise UnsupportedError(f"{board.name} is emulated: there is nothing to flash",
                               hint="run it with `edgesmith run MODEL --board " + board.name + "`")
    if board.status:
        raise UnsupportedError(f"not flashing {board.name}: {board.status}")
    method = board.flashing["method"]
    if method == "pyocd":
        return _flash_pyocd(image.folder / "firmware.hex", board)
    if method == "openocd":
        return _flash_openocd(image.folder / "firmware.elf", board)
    return _flash_uf2(image.folder / "firmware.uf2", board)


def openocd_command(elf: Path, board: Board, openocd: str = "openocd") -> list[str]:
    """The OpenOCD command line that programs, verifies and resets the board."""
    command = [openocd]
    for config in board.flashing["openocd_config"]:
        command += ["-f", config]
    return command + ["-c", f"program {elf} verify reset exit"]


def _flash_openocd(elf: Path, board: Board) -> str:
    command = openocd_command(elf, board, require_tool("openocd", f"flashing {board.name}"))
    proc = subprocess.run(command, capture_output=True, text=True, check=False)
    if proc.returncode == 0:
        return f"programmed {board.name} with OpenOCD ({elf.name})"
    said = (proc.stdout + proc.stderr).strip()
    if any(sign in said.lower() for sign in _OPENOCD_NO_PROBE):
        raise NoProbeError(
            f"no debug probe found: OpenOCD looked for {board.name}'s on-board probe with "
            f"{', '.join(board.flashing['openocd_config'])}",
            hint="connect the board's debug USB port (ST-LINK / J-Link) and check that you may "
                 "open it (Linux: the udev rules of the openocd package)")
    raise EdgesmithError(f"OpenOCD could not program {board.name}:\n{said[-2000:]}")


def connected_pyocd_probes() -> list:
    """The probes pyOCD sees over USB (CMSIS-DAP, ST-Link, J-Link with pylink)."""
    try:
        from pyocd.core.helpers import ConnectHelper
    except ImportError:
        raise EdgesmithError("flashing this board needs pyOCD, which is not installed",
                             hint="pip install pyocd") from None
    return list(ConnectHelper.get_all_connected_probes(blocking=False, print_wait_message=False))


def _flash_pyocd(hex_file: Path, board: Board) -> str:
    probes = connected_pyocd_probes()
    target = board.flashing["pyocd_target"]
    if not probes:
        raise NoProbeError(
            f"no debug probe found: pyOCD looked for CMSIS-DAP, ST-Link and J-Link probes over "
            f"USB for {board.name} (pyOCD target {target})",
            hint="connect the board's debug USB port; on Linux allow access to the probe "
                 "(pyOCD's udev rules); `pyocd list` shows what pyOCD sees")
    if len(probes) > 1:
        ids = ", ".join(p.unique_id for p in probes)
        raise EdgesmithError(f"{len(probes)} debug probes are connected ({ids}); "
                             "leave only the board to program connected")
    from pyocd.core.helpers import ConnectHelper
    from pyocd.flash.file_programmer import FileProgrammer

    with ConnectHelper.session_with_chosen_probe(unique_id=probes[0].unique_id, blocking=False,
                                                 options={"target_override": target}) as session:
        FileProgrammer(session).program(str(hex_file), file_format="hex")
        session.target.reset()
    return f"programmed {board.name} with pyOCD (probe {probes[0].unique_id}, target {target})"


def uf2_drives(volume: str, roots: tuple[str, ...] = MOUNT_ROOTS) -> list[Path]:
    """Mounted drives named ``volume`` holding INFO_UF2.TXT (a UF2 bootloader)."""
    found = []
    for root in map(Path, roots):
        if not root.is_dir():
            continue
        for candidate in (root / volume, *root.glob(f"*/{volume}")):
            if (candidate / "INFO_UF2.TXT").is_file():
                found.append(candidate)
    return found


def _flash_uf2(uf2: Path, board: Board) -> str:
    volume = board.flashing.get("uf2_volume", "")
    drives = uf2_drives(volume)
    if not drives:
        raise NoProbeError(
            f"no {volume} drive found: looked for a mounted USB drive named {volume} holding "
            f"INFO_UF2.TXT under {', '.join(MOUNT_ROOTS)}",
            hint="hold the board's BOOTSEL button while plugging it in, and mount the drive")
    shutil.copyfile(uf2, drives[0] / uf2.name)
    return f"copied {uf2.name} to {drives[0]}"
