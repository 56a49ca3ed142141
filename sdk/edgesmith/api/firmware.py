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

    from ..boards.build import FirmwareTooLargeError

    board = get_board(board) if isinstance(board, str) else board
    check_output_folder(output)
    remove_stale_staging(output)
    options = options.for_board(board)
    with tempfile.TemporaryDirectory(prefix="edgesmith-build-") as tmp:
        folder = generate_code(graph, Path(tmp) / "model", options).folder
        try:
            return build_firmware(None, board, output, trace=trace, model_dir=folder)
        except FirmwareTooLargeError as exc:
            hint = _patch_remedy(graph, options, getattr(exc, "overflows", {}))
            if hint is None:
                raise
            raise FirmwareTooLargeError(exc.message, hint=hint) from None


def _patch_remedy(graph: Graph, options: CodeOptions, overflows: dict) -> str | None:
    """When RAM overflows on layer-by-layer code: the patch plan that lowers the peak, as a
    hint naming `--patch auto` and that plan's peak; None when patching cannot help."""
    from ..errors import EdgesmithError
    from ..memory.patch_search import plan_patches_from_spec
    from ..quant.mixed_patch import mixed_model_of

    if "RAM" not in overflows or options.patch is not None or mixed_model_of(graph):
        return None
    try:
        plan = plan_patches_from_spec(graph, "auto")
    except EdgesmithError:  # no patch plan for this model
        return None
    if plan.peak_bytes >= plan.layer_based_peak_bytes:
        return None
    return (f"patch-based inference needs less: `--patch auto` (patch=\"auto\" in Python) "
            f"plans ops 0..{plan.split} on {plan.grid}x{plan.grid} patches with a peak of "
            f"{plan.peak_bytes:,} B of activations instead of {plan.layer_based_peak_bytes:,} B; "
            "build again with it, or pick a board with more RAM")
