"""`edgesmith evaluate`: how close a quantized model is to its float model on real data."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from ..errors import BadArgumentError
from .common import (JSON_OPTION, console, emit_json, handle_errors, load_array_file,
                     progress, status)
from .model_cmds import MODEL_ARG, WEIGHTS_OPTION, load_cli_model


def evaluate_model(model: Path = MODEL_ARG,
                   data: Path = typer.Option(..., "--data", "-d",
                                             help="Inputs .npy (real values, batch on axis 0) "
                                                  "or .npz by input name."),
                   labels: Path | None = typer.Option(
                       None, "--labels", "-y", help="Labels .npy: class indices or one-hot rows."),
                   against: Path | None = typer.Option(
                       None, "--against", help="The float model to compare with (outputs and "
                                               "every layer)."),
                   against_weights: Path | None = typer.Option(
                       None, "--against-weights", help="Weights .h5 of a Keras JSON --against."),
                   target: str | None = typer.Option(
                       None, "--target", help="Run the outputs on host, qemu:BOARD or hls-csim "
                                              "instead of the simulator."),
                   weights: Path | None = WEIGHTS_OPTION, as_json: bool = JSON_OPTION) -> None:
    """Accuracy (or argmax agreement), RMSE, MAE, L2 relative error and cosine similarity of
    the dequantized outputs against the float model, per output and per layer."""
    _evaluate(model, data, labels, (against, against_weights), target, weights,
              as_json=as_json)


@handle_errors()
def _evaluate(model: Path, data: Path, labels: Path | None, against: tuple, target: str | None,
              weights: Path | None, *, as_json: bool) -> None:
    from ..api.evaluate import evaluate_graph
    from ..api.targets import Scratch, code_options, open_target
    from ..io.arrays import prepare_inputs

    graph = load_cli_model(model, weights)
    x = load_array_file(data, "data")
    y = None if labels is None else load_array_file(labels, "labels")
    if isinstance(y, dict):
        raise BadArgumentError(f"--labels {labels}: give one .npy array, not an .npz archive")
    float_graph = None if against[0] is None else load_cli_model(*against)
    if float_graph is not None and float_graph.is_quantized():
        raise BadArgumentError(f"--against {against[0]} is a quantized model; give the float "
                               "model it was made from")
    if y is None and float_graph is None:
        raise BadArgumentError("nothing to compare with: give --labels, --against or both")
    samples = prepare_inputs(graph, x)[graph.inputs[0]].shape[0]
    scratch = Scratch("edgesmith-evaluate-")
    try:
        runner = None
        if target is not None:
            with status(f"building {model.name} for {target}...", as_json):
                runner = open_target(graph, target, scratch.path,
                                     code_options(graph, model_path=model))
        with progress(f"evaluating {model.name}", samples, as_json) as advance:
            result = evaluate_graph(graph, x, y, float_graph, runner, target or "simulator",
                                    advance=advance)
    finally:
        scratch.close()
    result = {**result, "model": str(model),
              "against": None if against[0] is None else str(against[0])}
    if as_json:
        emit_json(result)
        return
    _print(result)


def _num(value, digits: int = 4) -> str:
    return "" if value is None else f"{value:.{digits}g}"


def _print(result: dict) -> None:
    console.print(f"{result['model']}: {result['samples']} samples on "
                  f"{result['ran_on']}", highlight=False)
    table = Table(title="outputs")
    columns = ("accuracy", "reference_accuracy", "argmax_agreement", "rmse", "mae",
               "l2_relative", "cosine")
    shown = [c for c in columns if any(c in row for row in result["outputs"])]
    table.add_column("output")
    for c in shown:
        table.add_column(c.replace("_", " "), justify="right")
    for row in result["outputs"]:
        table.add_row(row["output"], *(_num(row.get(c)) for c in shown))
    console.print(table)
    if not result["layers"]:
        return
    worst = result["worst_layer"]
    table = Table(title="layers: dequantized against float (largest step in L2 relative "
                        "error marked)")
    for col in ("#", "op", "rmse", "l2 relative", "cosine", ""):
        table.add_column(col, justify="left" if col in ("op", "") else "right")
    for row in result["layers"]:
        mark = "<- loses most" if worst is not None and row["op_index"] == worst["op_index"] \
            else ""
        table.add_row(str(row["op_index"]), row["op_type"], _num(row["rmse"]),
                      _num(row["l2_relative"]), _num(row["cosine"], 6), mark)
    console.print(table)
