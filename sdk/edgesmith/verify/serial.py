"""Firmware on a board at a serial port against the golden simulator, bit for bit.

``verify_serial`` builds the model's serial-harness firmware for the board
(cached), flashes it when asked, runs every sample over the link and compares
every output byte with the simulator, as :mod:`.qemu` does on an emulator. A
corrupted transfer stops the run with a checksum error
(:class:`~edgesmith.boards.serial_link.LinkChecksumError`): it is never
counted as a mismatch. On an emulated board (QEMU's UART) the first mismatching
sample is traced to the first op that differs, as on the semihosting boards.
"""

from __future__ import annotations

import tempfile
from collections.abc import Mapping
from pathlib import Path

import numpy as np

from ..ir import Graph
from ..quant.mixed_patch import MixedPatchModel
from ..report.check_report import CheckReport
from ..codegen.options import CodeOptions
from .qemu import QemuTarget
from .reference import code_summary, generated_code
from .target import verify_target


class SerialTarget:
    """Firmware on a board at a serial port; on an emulated board a traced build under QEMU
    locates a difference."""

    oracle = False

    def __init__(self, graph: Graph, board, port: str, flash: bool, timeout: float,
                 code_dir: Path):
        self.graph, self.board, self.port, self.code_dir = graph, board, port, code_dir
        self.flash, self.timeout, self.last_run = flash, timeout, None

    def run(self, batch):
        from ..boards.serial_run import run_graph_on_port

        outputs, self.last_run = run_graph_on_port(self.graph, self.board, dict(batch),
                                                   self.port, flash=self.flash,
                                                   timeout=self.timeout, model_dir=self.code_dir)
        return outputs, self.last_run.patch_branches

    def trace(self, sample):
        if not self.board.emulated:
            return iter(())  # a real board is not traced; the report names no op
        return QemuTarget(self.graph, self.board, self.code_dir).trace(sample)


def verify_serial(graph: Graph, batch: Mapping[str, np.ndarray], *, board: str, port: str,
                  flash: bool = False, timeout: float | None = None, label: str | None = None,
                  code_dir: Path | None = None, options: CodeOptions | None = None,
                  mixed: MixedPatchModel | None = None) -> tuple[CheckReport, dict]:
    """Every sample of ``batch`` on the board at ``port`` vs the simulator; the model's code
    is generated with ``options`` (its hash must match the firmware's) unless ``code_dir``
    gives it.

    Returns the report and what the firmware said about itself (board, clock,
    cycle counter) with the cycles each sample took on the board.
    """
    from ..boards import get_board
    from ..boards.serial_link import DEFAULT_TIMEOUT

    target = get_board(board)
    with tempfile.TemporaryDirectory(prefix="edgesmith-verify-") as tmp:
        options = (options or CodeOptions()).for_board(target)
        code_dir = generated_code(graph, code_dir, Path(tmp), options, mixed)
        runner = SerialTarget(graph, target, port, flash, timeout or DEFAULT_TIMEOUT, code_dir)
        report = verify_target(graph, runner, batch, label=label or graph.name, mixed=mixed)
        report.code = code_summary(code_dir, options)
    hello = runner.last_run.hello
    board_info = {"board": hello.board, "port": port, "clock_hz": hello.clock_hz,
                  "cycle_counter": hello.cycle_counter,
                  "clock_setup_skipped": hello.clock_setup_skipped,
                  "cycles": [int(c) for c in runner.last_run.cycles]}
    return report, board_info
