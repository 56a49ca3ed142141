"""Firmware of a model for a board: the one path `edgesmith build` and ``Model.build`` take."""

from __future__ import annotations

import tempfile
from pathlib import Path

from ..codegen.options import CodeOptions, generate_code
from ..ir import Graph


def build_for_board(graph: Graph, board, output: Path, *, options: CodeOptions,
                    trace: bool = False):
    """Generate ``graph``'s C code with ``options`` (the board's kernel set unless one is
    named) and build the harness firmware for ``board`` (a Board or its name) into
    ``output``; returns the FirmwareImage."""
    from ..boards import get_board
    from ..boards.build import build_firmware
    from ..io.outputs import check_output_folder, remove_stale_staging

    board = get_board(board) if isinstance(board, str) else board
    check_output_folder(output)
    remove_stale_staging(output)
    options = options.for_core(board.core, board.stack_bytes)
    with tempfile.TemporaryDirectory(prefix="edgesmith-build-") as tmp:
        folder = generate_code(graph, Path(tmp) / "model", options).folder
        return build_firmware(None, board, output, trace=trace, model_dir=folder)
