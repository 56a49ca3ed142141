"""Run harness firmware on an emulated board: one QEMU launch runs every sample.

Inputs go in and outputs come out as files through ARM semihosting
(``-semihosting-config enable=on,target=native``): QEMU runs in a scratch
folder holding ``input.bin``, and the firmware writes ``output.bin`` there.
"""

from __future__ import annotations

import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..errors import EdgesmithError
from ..ir import Graph
from .build import FirmwareImage, cached_firmware
from .harness_io import explain_exit, pack_inputs, unpack_outputs, unpack_trace
from .icount import InstructionCounts, marker_addresses, parse_marks, plugin_library
from .registry import Board
from .toolchain import require_tool

#: Seconds a QEMU launch may take: this much, plus PER_SAMPLE_TIMEOUT for each sample.
BASE_TIMEOUT = 60.0
PER_SAMPLE_TIMEOUT = 10.0


class EmulatorError(EdgesmithError):
    """QEMU could not run the firmware to the end."""


@dataclass
class QemuRun:
    #: raw bytes of every output, one (samples, bytes) uint8 array per model output
    outputs: list[np.ndarray]
    cycles: np.ndarray
    instructions: InstructionCounts | None
    seconds: float
    #: (op index, raw output bytes) of every op, when run with dump_ops on a traced build
    op_outputs: list[tuple[int, np.ndarray]] | None = None
    #: a mixed-precision patch model: (samples, patches) bool, True = the 8-bit branch
    patch_branches: np.ndarray | None = None
    #: what serial harness firmware said about itself (clock, cycle counter), else None
    hello: object | None = None


def require_emulated(board: Board) -> Board:
    if not board.emulated:
        raise EmulatorError(f"board {board.name} is a real board; QEMU runs only emulated boards",
                            hint="flash it (`edgesmith flash`, or --flash) and give its serial "
                                 "port with --port, or pick an emulated board (`edgesmith boards`)")
    return board


def qemu_command(image: FirmwareImage, plugin: str | None = None) -> list[str]:
    """The QEMU command line that boots ``image`` (relative file names: run in a scratch dir)."""
    board = require_emulated(image.board)
    command = [require_tool("qemu-system-arm"), "-machine", board.qemu_machine, "-nographic",
               "-monitor", "none", "-serial", "none",
               "-semihosting-config", "enable=on,target=native", "-kernel", str(image.elf)]
    if plugin:
        # virtual time from the instruction count, not the host's clock: the harness's
        # SysTick (and its wrap interrupt) then fire at the same instruction in every run,
        # so a count does not move with the machine's load
        command += ["-icount", "shift=0", "-plugin", plugin]
    return command


def plugin_argument(image: FirmwareImage, work: Path) -> tuple[str, dict[str, int]]:
    """The ``-plugin`` argument that logs instruction counts at the markers to
    ``work/marks.log``, and the markers' addresses."""
    marks = marker_addresses(image.elf)
    return (f"{plugin_library()},out={work / 'marks.log'},"
            f"marks={':'.join(f'{a:x}' for a in marks.values())}"), marks


def run_on_qemu(image: FirmwareImage, inputs: list[np.ndarray], *,
                count_instructions: bool = False, dump_ops: bool = False,
                timeout: float | None = None) -> QemuRun:
    """Boot ``image`` once and run every sample of ``inputs`` (one batched array per input).

    ``dump_ops`` (an ES_TRACE image only) also returns every op's output. A board with
    the serial harness runs over QEMU's UART instead (:mod:`.serial_run`).
    """
    require_emulated(image.board)
    if image.board.io == "serial":
        from .serial_run import run_on_qemu_serial

        return run_on_qemu_serial(image, inputs, count_instructions=count_instructions,
                                  dump_ops=dump_ops, timeout=timeout or BASE_TIMEOUT)
    if dump_ops and not image.trace:
        raise ValueError("dump_ops needs firmware built with trace=True")
    samples = int(inputs[0].shape[0])
    payload = pack_inputs(image.model, inputs, dump_ops=dump_ops)
    timeout = timeout or BASE_TIMEOUT + PER_SAMPLE_TIMEOUT * samples
    with tempfile.TemporaryDirectory(prefix="edgesmith-qemu-") as scratch:
        work = Path(scratch)
        (work / "input.bin").write_bytes(payload)
        plugin, marks = plugin_argument(image, work) if count_instructions else (None, None)
        command = qemu_command(image, plugin)
        started = time.monotonic()
        try:
            proc = subprocess.run(command, cwd=work, capture_output=True, text=True,
                                  timeout=timeout, stdin=subprocess.DEVNULL, check=False)
        except subprocess.TimeoutExpired:
            raise EmulatorError(f"QEMU ({image.board.qemu_machine}) did not finish {samples} "
                                f"sample(s) within {timeout:.0f} s",
                                hint="run fewer samples per launch") from None
        seconds = time.monotonic() - started
        if proc.returncode != 0:
            said = (proc.stderr or proc.stdout).strip()
            raise EmulatorError(f"the firmware on QEMU {image.board.qemu_machine} stopped with "
                                f"status {proc.returncode}: {explain_exit(proc.returncode)}"
                                + (f"\n{said}" if said else ""))
        output_file = work / "output.bin"
        if not output_file.is_file():
            raise EmulatorError("the firmware exited without writing output.bin")
        outputs, cycles = unpack_outputs(image.model, output_file.read_bytes(), samples)
        branches = outputs.pop().astype(bool) if image.model.patch_branches else None
        counts = None
        if count_instructions:
            counts = parse_marks((work / "marks.log").read_text(), marks)
        op_outputs = unpack_trace((work / "trace.bin").read_bytes()) if dump_ops else None
    return QemuRun(outputs, cycles, counts, seconds, op_outputs, branches)


def run_graph(graph: Graph, board: Board, inputs: dict[str, np.ndarray], *,
              count_instructions: bool = False, trace: bool = False, dump_ops: bool = False,
              timeout: float | None = None,
              model_dir: Path | None = None) -> tuple[dict[str, np.ndarray], QemuRun]:
    """Build (cached) and run ``graph`` on an emulated board.

    Returns the outputs by name, shaped and typed as the graph says (batched),
    and the raw run (cycles, instruction counts, wall time). ``model_dir`` runs an
    already generated C folder of ``graph`` instead of generating one.
    """
    require_emulated(board)
    image = cached_firmware(None if model_dir else graph, board, trace=trace or dump_ops,
                            model_dir=model_dir)
    run = run_on_qemu(image, [np.asarray(inputs[n]) for n in graph.inputs],
                      count_instructions=count_instructions, dump_ops=dump_ops, timeout=timeout)
    return name_outputs(graph, run), run


def name_outputs(graph: Graph, run: QemuRun) -> dict[str, np.ndarray]:
    """The run's raw outputs by name, shaped and typed as the graph says (batched)."""
    samples = run.outputs[0].shape[0] if run.outputs else 0
    named = {}
    for name, raw in zip(graph.outputs, run.outputs):
        t = graph.tensors[name]
        named[name] = raw.view(np.dtype(t.dtype)).reshape((samples,) + tuple(t.shape[1:]))
    return named
