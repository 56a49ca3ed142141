"""Build harness firmware for a board: project folder -> CMake + Ninja -> ELF, BIN, HEX (UF2).

``build_firmware`` writes the project (see :mod:`.project`), builds it in a
scratch folder and moves the finished folder into place in one rename, so a
failed or interrupted build never leaves a half-written output. The linker
refuses a model that does not fit; its complaint becomes a
:class:`FirmwareTooLargeError` naming the board's region and the overflow.
``cached_firmware`` keys builds by a hash of everything that decides the
binary, for ``edgesmith run``, ``verify`` and ``bench``.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path

from ..errors import EdgesmithError
from ..ir import Graph
from .project import ModelApi, read_model_api, write_project
from .registry import Board, get_board
from .toolchain import require_build_tools, tool_version

BUILD_INFO = "build.json"


class FirmwareBuildError(EdgesmithError):
    """The cross build failed (compiler or CMake output attached)."""


class FirmwareTooLargeError(EdgesmithError):
    """The model and harness do not fit the board's flash or RAM (exit code 2)."""


@dataclass(frozen=True)
class SectionSizes:
    text: int   # code, constants and weights (.text + .ARM.exidx)
    data: int   # initialised variables: in flash and copied to RAM
    bss: int    # zeroed variables, the model arena among them
    stack: int

    @property
    def flash(self) -> int:
        return self.text + self.data

    @property
    def ram(self) -> int:
        return self.data + self.bss + self.stack


@dataclass(frozen=True)
class FirmwareImage:
    folder: Path
    board: Board
    model: ModelApi
    sizes: SectionSizes
    trace: bool

    @property
    def elf(self) -> Path:
        return self.folder / "firmware.elf"

    @property
    def model_hash(self) -> bytes:
        """What the serial harness reports as its model hash (board_config.model_hash)."""
        from .board_config import model_hash

        return model_hash(self.folder / "model")

    def artifacts(self) -> dict[str, Path]:
        names = ("firmware.elf", "firmware.bin", "firmware.hex", "firmware.uf2")
        return {n.split(".")[1]: self.folder / n for n in names if (self.folder / n).exists()}

    def to_json(self) -> dict:
        b, s = self.board, self.sizes
        return {"board": b.name, "model": self.model.name, "folder": str(self.folder),
                "trace": self.trace, "artifacts": {k: str(v) for k, v in self.artifacts().items()},
                "sections": asdict(s),
                "flash": {"used": s.flash, "size": b.flash.size, "region": b.flash.name},
                "ram": {"used": s.ram, "size": b.ram.size, "region": b.ram.name},
                "arena_bytes": self.model.arena_bytes}


def build_firmware(graph: Graph | None, board: Board | str, out_dir: str | Path, *,
                   trace: bool = False, model_dir: Path | None = None) -> FirmwareImage:
    """Generate and build the firmware of ``graph`` for ``board`` (a Board or its name) into
    ``out_dir``."""
    if isinstance(board, str):
        from . import get_board

        board = get_board(board)
    tools = require_build_tools()
    out_dir = Path(out_dir).resolve()
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.", dir=out_dir.parent))
    try:
        api = write_project(graph, board, staging, model_dir=model_dir)
        sizes = _compile(staging, board, tools, trace)
        image = FirmwareImage(out_dir, board, api, sizes, trace)
        (staging / BUILD_INFO).write_text(json.dumps(image.to_json(), indent=2) + "\n")
        _replace_dir(staging, out_dir)
        return image
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def cached_firmware(graph: Graph | None, board: Board, *, trace: bool = False,
                    model_dir: Path | None = None) -> FirmwareImage:
    """The firmware from the cache, built first if no identical build exists."""
    tools = require_build_tools()
    root = firmware_cache_root() / board.name
    root.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=root) as scratch:
        project = Path(scratch) / "project"
        write_project(graph, board, project, model_dir=model_dir)
        key = _project_hash(project, tools, trace)
        target = root / key
        if not (target / BUILD_INFO).is_file():
            # Builds from the same project are identical; a parallel builder may win the rename.
            build_firmware(None, board, target, trace=trace, model_dir=project / "model")
    return load_image(target)


def load_image(folder: Path) -> FirmwareImage:
    """A firmware folder written by build_firmware, read back."""
    info = json.loads((folder / BUILD_INFO).read_text())
    return FirmwareImage(folder, get_board(info["board"]), read_model_api(folder / "model"),
                         SectionSizes(**info["sections"]), info["trace"])


def firmware_cache_root() -> Path:
    from .host_build import cache_root

    return cache_root().parent / "firmware"


def _compile(project: Path, board: Board, tools: dict[str, str], trace: bool) -> SectionSizes:
    build = project / "build"
    configure = [tools["cmake"], "-G", "Ninja", f"-DCMAKE_MAKE_PROGRAM={tools['ninja']}",
                 f"-DCMAKE_TOOLCHAIN_FILE={project / 'cmake' / 'arm-none-eabi.cmake'}",
                 f"-DES_TRACE={'ON' if trace else 'OFF'}", "-S", str(project), "-B", str(build)]
    log = _run(configure, "configuring the firmware (CMake)", board)
    log += _run([tools["cmake"], "--build", str(build)], "building the firmware", board)
    (project / "build.log").write_text(log)  # the compiler's warnings, if any, stay readable
    for suffix in ("elf", "bin", "hex", "map"):
        shutil.copy2(build / f"firmware.{suffix}", project / f"firmware.{suffix}")
    shutil.rmtree(build)
    if board.boot2:
        from .boot2 import seal_boot2

        seal_boot2(project, tools["arm-none-eabi-objcopy"])
    if board.flashing.get("method") == "uf2":
        from .uf2 import bin_to_uf2

        (project / "firmware.uf2").write_bytes(bin_to_uf2(
            (project / "firmware.bin").read_bytes(), board.image_origin,
            board.flashing["uf2_family"]))
    return section_sizes(project / "firmware.elf", tools["arm-none-eabi-size"])


def section_sizes(elf: Path, size_tool: str) -> SectionSizes:
    """Sizes from ``arm-none-eabi-size -A`` (section by section)."""
    out = subprocess.run([size_tool, "-A", str(elf)], capture_output=True, text=True,
                         check=True).stdout
    sections = {m.group(1): int(m.group(2)) for m in re.finditer(r"^(\.\S+)\s+(\d+)", out, re.M)}
    return SectionSizes(text=sections.get(".text", 0) + sections.get(".ARM.exidx", 0),
                        data=sections.get(".data", 0), bss=sections.get(".bss", 0),
                        stack=sections.get(".stack", 0))


_OVERFLOW = re.compile(r"region `(FLASH|RAM)' overflowed by (\d+) bytes")


def _run(command: list[str], what: str, board: Board) -> str:
    proc = subprocess.run(command, capture_output=True, text=True, check=False)
    output = proc.stdout + proc.stderr
    if proc.returncode == 0:
        return output
    overflows = {m.group(1): int(m.group(2)) for m in _OVERFLOW.finditer(output)}
    if overflows:
        regions = {"FLASH": board.flash, "RAM": board.ram}
        parts = [f"{kind} ({regions[kind].name}, {regions[kind].size:,} bytes) overflows by "
                 f"{extra:,} bytes" for kind, extra in overflows.items()]
        error = FirmwareTooLargeError(
            f"the model does not fit board {board.name}: {'; '.join(parts)}",
            hint="pick a board with more memory (`edgesmith boards`), or make the model "
                 "smaller (fewer weights, or smaller activations for RAM)")
        error.overflows = overflows  # region -> bytes over, for a caller with a remedy
        raise error
    tail = "\n".join(output.strip().splitlines()[-30:])
    raise FirmwareBuildError(f"{what} for {board.name} failed:\n{tail}")


def _project_hash(project: Path, tools: dict[str, str], trace: bool) -> str:
    digest = hashlib.sha256()
    for name in sorted(tools):
        digest.update(f"{name}={tool_version(tools[name])}\n".encode())
    digest.update(f"trace={trace}\n".encode())
    for path in sorted(p for p in project.rglob("*") if p.is_file() and p.suffix != ".md"):
        digest.update(f"{path.relative_to(project)}:{path.stat().st_size}\n".encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:24]


def _replace_dir(staging: Path, target: Path) -> None:
    """Move the finished folder into place (one rename); an older build there goes away."""
    old = None
    if target.exists():
        old = target.with_name(f".{target.name}.old.{os.getpid()}")
        os.rename(target, old)
    try:
        os.rename(staging, target)
    except OSError:
        if not (target / BUILD_INFO).is_file():  # not a parallel builder's identical result
            raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
