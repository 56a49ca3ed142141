"""`edgesmith report`: the model on one self-contained HTML page."""

from __future__ import annotations

from pathlib import Path

import typer

from .codegen_cmds import BUDGET_OPTION, MAX_EXTRA_MACS_OPTION, PATCH_OPTION
from .common import JSON_OPTION, SEED_OPTION, console, emit_json, handle_errors, load_array_file, \
    status
from .hls_cmds import IO_OPTION, PRECISION_OPTION, REUSE_OPTION
from .model_cmds import MODEL_ARG, WEIGHTS_OPTION, load_cli_model


def report_model(model: Path = MODEL_ARG,
                 output: Path = typer.Option(..., "--output", "-o",
                                             help="The page to write (.html)."),
                 board: str | None = typer.Option(
                     None, "--board", "-b",
                     help="Microcontroller board: on an emulated one (QEMU) the page shows "
                          "instructions per layer."),
                 target: str | None = typer.Option(
                     None, "--target",
                     help="FPGA board or part: DSP, BRAM and latency per layer."),
                 patch: str | None = PATCH_OPTION, budget_kb: float | None = BUDGET_OPTION,
                 max_extra_macs: float | None = MAX_EXTRA_MACS_OPTION,
                 reuse: int = REUSE_OPTION, io: str = IO_OPTION,
                 precision: str | None = PRECISION_OPTION,
                 calib: Path | None = typer.Option(
                     None, "--calib",
                     help="Inputs .npy/.npz for the saturation counts (default: random)."),
                 samples: int = typer.Option(64, "--samples", min=1, max=100_000,
                                             help="Random inputs for saturation (no --calib)."),
                 seed: int = SEED_OPTION, weights: Path | None = WEIGHTS_OPTION,
                 tune: Path | None = typer.Option(
                     None, "--tune", help="Results table of `edgesmith tune`: the Pareto "
                                          "front and its plot."),
                 as_json: bool = JSON_OPTION) -> None:
    """One HTML page (inline SVG, no script, no network): ops, MACs, memory timeline, patch
    grid, bit widths and saturation, flash per layer, instructions per layer on an emulated
    board, FPGA resources per layer."""
    _report(model, output, weights, (board, target, patch, budget_kb, max_extra_macs, reuse,
                                     io, precision, calib, samples, seed, tune), as_json=as_json)


@handle_errors()
def _report(model: Path, output: Path, weights: Path | None, choices: tuple, *,
            as_json: bool) -> None:
    from ..html_report.page import (ReportOptions, build_report, check_report_path, checked_options,
                               write_report)

    board, target, patch, budget_kb, max_extra_macs, reuse, io, precision, calib, samples, \
        seed, tune = choices
    check_report_path(output)
    options = ReportOptions(board=board, target=target, patch=patch, budget_kb=budget_kb,
                            max_extra_macs=max_extra_macs, reuse=reuse, io=io,
                            precision=precision, samples=samples, seed=seed, source=model.name)
    checked_options(options)  # a wrong board or target is said before the model is read
    if tune is not None:  # the table is read before the model: a wrong one is said first
        from ..tune.report_data import report_data

        options.tune = report_data(tune)
    graph = load_cli_model(model, weights)
    if calib is not None:
        options.calib = load_array_file(calib, "calib")
    with status(f"reporting on {model.name}...", as_json):
        report = build_report(graph, options)
        path = write_report(report, output)
    if as_json:
        emit_json({"report": str(path), "sections": [s.id for s in report.sections],
                   **report.data})
        return
    console.print(f"wrote {path} ({len(report.sections)} sections: "
                  f"{', '.join(s.title for s in report.sections)})", highlight=False)
