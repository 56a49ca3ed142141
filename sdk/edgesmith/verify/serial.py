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
from .reference import (check_mixed_fits, code_summary, compare_with_reference, generated_code,
                        reference_outputs)


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
    from ..boards.serial_run import run_graph_on_port

    check_mixed_fits(graph, mixed)
    target = get_board(board)
    golden = reference_outputs(graph, batch, mixed)
    with tempfile.TemporaryDirectory(prefix="edgesmith-verify-") as tmp:
        code_dir = generated_code(graph, code_dir, Path(tmp), options, mixed)
        outputs, run = run_graph_on_port(graph, target, dict(batch), port, flash=flash,
                                         timeout=timeout or DEFAULT_TIMEOUT, model_dir=code_dir)
        report, differs = compare_with_reference(graph, label or graph.name, golden, outputs,
                                                 run.patch_branches, mixed)
        report.code = code_summary(code_dir, options)
        if report.first_mismatch is None and differs.any() and target.emulated:
            from .qemu import locate_first_mismatch_on_qemu

            sample = int(np.flatnonzero(differs)[0])
            one = {n: batch[n][sample:sample + 1] for n in graph.inputs}
            expected, _ = reference_outputs(graph, one, mixed, keep_intermediates=True)
            report.first_mismatch = locate_first_mismatch_on_qemu(
                graph, target, one, sample, code_dir=code_dir, expected=expected)
    hello = run.hello
    board_info = {"board": hello.board, "port": port, "clock_hz": hello.clock_hz,
                  "cycle_counter": hello.cycle_counter,
                  "clock_setup_skipped": hello.clock_setup_skipped,
                  "cycles": [int(c) for c in run.cycles]}
    return report, board_info
