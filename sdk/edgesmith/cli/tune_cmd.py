"""`edgesmith tune`: search the deployments of a model on a board (schemes, widths, QuantMCU,
patch plans, memory strategies, layouts, boards) and show the Pareto front of accuracy,
instructions, RAM and flash, every number measured exactly."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from ..errors import BadArgumentError
from ..tune.report_data import trial_label
from .common import JSON_OPTION, console, emit_json, handle_errors, load_array_file, say
from .model_cmds import MODEL_ARG, load_cli_model


def tune_model(
        model: Path = MODEL_ARG,
        space: Path = typer.Option(..., "--space", help="Search space: a TOML file "
                                                        "([parameters], [constraints])."),
        data: Path = typer.Option(..., "--data", "-d", help="Validation inputs .npy (real "
                                                            "values, batch on axis 0)."),
        labels: Path = typer.Option(..., "--labels", "-y", help="Labels .npy: class indices "
                                                                "or one-hot rows."),
        board: str | None = typer.Option(None, "--board", help="The board, when the space "
                                                               "names none (host: no build)."),
        trials: int | None = typer.Option(None, "--trials", min=1, help="Sample N "
                                          "configurations (Optuna) instead of the whole grid."),
        runner: str = typer.Option("ray", "--runner", help="ray (local or --address) or "
                                                           "serial (this process)."),
        address: str | None = typer.Option(None, "--address", help="An existing Ray cluster: "
                                                                   "ray://HOST:PORT."),
        workers: int | None = typer.Option(None, "--workers", min=1,
                                           help="Local Ray workers (default: one per core)."),
        results: Path = typer.Option(Path("tune-results.csv"), "--results", help="Results "
                                     "table .csv or .parquet; a rerun resumes from it."),
        calib_samples: int = typer.Option(100, "--calib-samples", min=1, help="Calibration "
                                          "slice: the first N samples of --data."),
        best_dir: Path | None = typer.Option(None, "--best", help="Write the best "
                                             "configuration's firmware to this folder."),
        seed: int = typer.Option(0, "--seed", min=0, help="Seed of the sampler (--trials)."),
        as_json: bool = JSON_OPTION) -> None:
    """Measure every configuration of a search space (quantize, plan, build, count
    instructions under QEMU, simulate accuracy) and print the Pareto front."""
    _tune(model, space, data, labels, board, trials, runner, address, workers, results,
          calib_samples, best_dir, seed, as_json=as_json)


@handle_errors()
def _tune(model: Path, space_file: Path, data: Path, labels: Path, board: str | None,
          trials: int | None, runner: str, address: str | None, workers: int | None,
          results: Path, calib_samples: int, best_dir: Path | None, seed: int, *,
          as_json: bool) -> None:
    from ..io.arrays import prepare_inputs
    from ..tune.pareto import BEST_RULE
    from ..distributed import check_address
    from ..tune.results import check_results_path
    from ..tune.search import RUNNERS, run_search
    from ..tune.space import load_space, with_board
    from ..tune.trial import read_inputs, remember_float_graph

    if runner not in RUNNERS:
        raise BadArgumentError(f"--runner {runner!r}: choose {' or '.join(RUNNERS)}")
    check_address(address)
    if address is not None and runner != "ray":
        raise BadArgumentError("--address names a Ray cluster; it needs --runner ray")
    check_results_path(results)
    if best_dir is not None:
        from ..tune.best import check_best_folder

        check_best_folder(best_dir)
    search_space = load_space(space_file)
    if board is not None:
        search_space = with_board(search_space, board)
    graph = load_cli_model(model)
    if graph.is_quantized():
        raise BadArgumentError(f"{model} is already quantized; tune searches quantizations",
                               hint="give the float model")
    x, y = load_array_file(data, "data"), load_array_file(labels, "labels")
    if isinstance(x, dict) or isinstance(y, dict):
        raise BadArgumentError("--data and --labels: give one .npy array each")
    samples = prepare_inputs(graph, x)[graph.inputs[0]].shape[0]
    if y.shape[0] != samples:
        raise BadArgumentError(f"--labels hold {y.shape[0]} samples; --data {samples}",
                               hint="give one label per sample")
    inputs = read_inputs(model, x, y, min(calib_samples, samples))
    remember_float_graph(inputs, graph)

    def shown(row: dict) -> None:
        if not as_json:
            console.print(f"trial {row['trial']}: {trial_label(row)}: {row['status']}",
                          highlight=False)

    result = run_search(search_space, inputs, results=results, runner=runner, trials=trials,
                        seed=seed, address=address, workers=workers, on_row=shown)
    written = None
    if best_dir is not None and result.best is not None:
        from ..tune.best import write_best

        written = write_best(inputs, result.best, best_dir)
    if as_json:
        emit_json({"results": str(results), "trials": len(result.rows), "ran": result.ran,
                   "seconds": round(result.seconds, 3), "pareto_front": result.front,
                   "best": result.best, "best_rule": BEST_RULE, "best_folder": written,
                   "constraints": result.constraints})
        return
    _print(result, results)
    if result.best is None:
        say("no trial fits the constraints", "yellow")
    else:
        console.print(f"best ({BEST_RULE}): trial {result.best['trial']}: "
                      f"{trial_label(result.best)}", highlight=False)
    if written is not None:
        console.print(f"wrote {written}")


def _num(value) -> str:
    if value is None:
        return "-"
    return f"{value:.4f}" if isinstance(value, float) else f"{value:,}"


def _print(result, results: Path) -> None:
    table = Table(title=f"Pareto front: {len(result.front)} of {len(result.rows)} trials "
                        "(accuracy up; instructions, RAM, flash down)")
    columns = ("accuracy", "accuracy_drop", "instructions", "m4_cycles", "ram", "flash")
    table.add_column("trial")
    table.add_column("configuration")
    for c in columns:
        table.add_column(c.replace("_", " "), justify="right")
    for row in result.front:
        table.add_row(row["trial"], trial_label(row), *(_num(row[c]) for c in columns))
    console.print(table)
    failed = sum(r["status"] != "ok" for r in result.rows)
    console.print(f"{len(result.rows)} trials ({result.ran} run now, {failed} failed to "
                  f"build) in {result.seconds:.1f} s; table: {results}", highlight=False)
