"""Run harness firmware over the serial link: a real board's port, or QEMU's UART.

``run_over_link`` asks the firmware who it is, refuses firmware built for
another board or model (its HELLO carries the board name and the model
hash), then sends one INPUT frame per sample. ``run_on_port`` does that on a
board at a port (a device or a pyserial URL), flashing it first when asked;
``run_on_qemu_serial`` boots an emulated serial board (``[emulator] io =
"serial"``) with its UART on a loopback TCP socket and talks to it the same way.
"""

from __future__ import annotations

import socket
import subprocess
import tempfile
import time
from pathlib import Path

import numpy as np

from ..errors import EdgesmithError
from ..ir import Graph
from .build import FirmwareImage, cached_firmware
from .harness_io import input_rows, unpack_outputs
from .icount import parse_marks
from .qemu import EmulatorError, QemuRun, name_outputs, plugin_argument
from .registry import Board
from .serial_link import (DEFAULT_TIMEOUT, FLAG_DUMP_OPS, Hello, LinkError, SerialLink,
                          open_port)
from .toolchain import require_tool

#: seconds QEMU may take to open its serial socket
QEMU_START_TIMEOUT = 10.0


class FirmwareMismatchError(LinkError):
    """The board runs firmware built for another board or model (exit code 2)."""


def check_firmware(hello: Hello, image: FirmwareImage, port: str) -> None:
    """Refuse firmware that is not ``image``: another board, model or build of it."""
    want = image.board.name
    hint = "flash this model's firmware first: add --flash (or `edgesmith flash`)"
    if hello.board != want:
        raise FirmwareMismatchError(f"the firmware on {port} was built for board {hello.board}, "
                                    f"not {want}", hint=hint)
    if hello.model_hash != image.model_hash or hello.model != image.model.name:
        raise FirmwareMismatchError(
            f"the firmware on {port} runs model {hello.model} (hash {hello.model_hash.hex()}), "
            f"not this build of {image.model.name} (hash {image.model_hash.hex()})", hint=hint)
    if image.trace and not hello.trace:
        raise FirmwareMismatchError(f"the firmware on {port} is not a traced build", hint=hint)


def run_over_link(link: SerialLink, image: FirmwareImage, inputs: list[np.ndarray], *,
                  dump_ops: bool = False) -> QemuRun:
    """Every sample of ``inputs`` (one batched array per model input) through ``link``."""
    if dump_ops and not image.trace:
        raise ValueError("dump_ops needs firmware built with trace=True")
    started = time.monotonic()
    hello = link.hello()
    check_firmware(hello, image, link.port)
    rows = input_rows(image.model, inputs)
    flags = (FLAG_DUMP_OPS if dump_ops else 0).to_bytes(4, "little")
    answers, op_outputs = [], []
    for row in rows:
        answer, traces = link.run(flags + row.tobytes())
        answers.append(answer)
        op_outputs += [(int.from_bytes(t[:4], "little", signed=True),
                        np.frombuffer(t[4:], dtype=np.uint8).copy()) for t in traces]
    try:
        outputs, cycles = unpack_outputs(image.model, b"".join(answers), len(rows))
    except EdgesmithError as exc:  # well-formed frames of the wrong size: another firmware
        raise FirmwareMismatchError(f"the board's outputs do not fit {image.model.name}: "
                                    f"{exc.message}") from None
    branches = outputs.pop().astype(bool) if image.model.patch_branches else None
    return QemuRun(outputs, cycles, None, time.monotonic() - started,
                   op_outputs if dump_ops else None, branches, hello=hello)


def run_on_port(image: FirmwareImage, port: str, inputs: list[np.ndarray], *,
                flash: bool = False, dump_ops: bool = False,
                timeout: float = DEFAULT_TIMEOUT) -> QemuRun:
    """Run on the board at ``port``; with ``flash``, program ``image`` into it first."""
    if flash:
        from .flash import flash_firmware

        flash_firmware(image.folder, image.board)
        time.sleep(0.5)  # the board resets after programming
    with SerialLink(port, timeout) as link:
        return run_over_link(link, image, inputs, dump_ops=dump_ops)


def free_tcp_port() -> int:
    """A loopback port nobody listens on now (QEMU takes it a moment later)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def qemu_serial_command(image: FirmwareImage, tcp_port: int, plugin: str | None = None
                        ) -> list[str]:
    """QEMU with the board's UART (``serial_index``) served on 127.0.0.1:``tcp_port``; the
    guest starts when the host connects (``wait=on``)."""
    board = image.board
    serial = ["-serial", "null"] * board.qemu_serial_index
    serial += ["-serial", f"tcp:127.0.0.1:{tcp_port},server=on,wait=on"]
    command = [require_tool("qemu-system-arm"), "-machine", board.qemu_machine, "-nographic",
               "-monitor", "none", *serial, "-kernel", str(image.elf)]
    return command + (["-plugin", plugin] if plugin else [])


def connect_when_ready(url: str, proc: subprocess.Popen, timeout: float):
    """Open ``url`` once QEMU listens on it; an EmulatorError if QEMU stops first."""
    deadline = time.monotonic() + QEMU_START_TIMEOUT
    while True:
        try:
            return open_port(url, timeout)
        except LinkError:
            if proc.poll() is not None or time.monotonic() > deadline:
                said = proc.stderr.read().decode(errors="replace").strip() if proc.stderr else ""
                raise EmulatorError(f"QEMU did not open its serial port {url}"
                                    + (f":\n{said}" if said else "")) from None
            time.sleep(0.05)


def run_on_qemu_serial(image: FirmwareImage, inputs: list[np.ndarray], *,
                       count_instructions: bool = False, dump_ops: bool = False,
                       timeout: float = 60.0) -> QemuRun:
    """Boot an emulated serial board once and run every sample over its UART."""
    with tempfile.TemporaryDirectory(prefix="edgesmith-qemu-") as scratch:
        work = Path(scratch)
        plugin, marks = plugin_argument(image, work) if count_instructions else (None, None)
        tcp_port = free_tcp_port()
        proc = subprocess.Popen(qemu_serial_command(image, tcp_port, plugin), cwd=work,
                                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                stderr=subprocess.PIPE)
        try:
            url = f"socket://127.0.0.1:{tcp_port}"
            connection = connect_when_ready(url, proc, timeout)
            with SerialLink(url, timeout, connection=connection) as link:
                run = run_over_link(link, image, inputs, dump_ops=dump_ops)
        finally:
            proc.terminate()  # the firmware never exits: it waits for the next frame
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
            if proc.stderr:
                proc.stderr.close()
        if count_instructions:
            run.instructions = parse_marks((work / "marks.log").read_text(), marks)
    return run


def run_graph_on_port(graph: Graph, board: Board, inputs: dict[str, np.ndarray], port: str, *,
                      flash: bool = False, trace: bool = False, dump_ops: bool = False,
                      timeout: float = DEFAULT_TIMEOUT, model_dir: Path | None = None
                      ) -> tuple[dict[str, np.ndarray], QemuRun]:
    """Build (cached) ``graph`` for ``board`` and run it on the board at ``port``: outputs by
    name (as :func:`.qemu.run_graph`) and the raw run, whose ``hello`` says the clock."""
    if board.io != "serial":
        raise LinkError(f"board {board.name}'s firmware talks semihosting, not over a serial "
                        "port", hint="--port takes a board with the serial harness: "
                                     "`edgesmith boards` lists them")
    if flash and board.emulated:
        raise LinkError(f"{board.name} is emulated: there is nothing to flash",
                        hint="start QEMU with the firmware's ELF instead, or leave out --flash")
    image = cached_firmware(None if model_dir else graph, board, trace=trace or dump_ops,
                            model_dir=model_dir)
    run = run_on_port(image, port, [np.asarray(inputs[n]) for n in graph.inputs], flash=flash,
                      dump_ops=dump_ops, timeout=timeout)
    return name_outputs(graph, run), run
