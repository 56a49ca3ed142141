"""Commands that read a model: inspect, simulate, quantize."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from ..errors import EdgesmithError
from ..io.outputs import check_output_file
from ..ir import Graph, describe_format
from .common import (JSON_OPTION, console, emit_json, handle_errors, human_bytes,
                     err_console, load_array_file, progress, save_array_atomic, say)

MODEL_ARG = typer.Argument(..., help="Model: .tflite, .onnx, .keras, .h5, .json (+ --weights), "
                                     ".skops (scikit-learn), or .esm; trees: .json/.ubj "
                                     "(XGBoost), .txt (LightGBM).")
WEIGHTS_OPTION = typer.Option(None, "--weights", help="Weights .h5 for a Keras JSON architecture.")
TRUST_PICKLE_OPTION = typer.Option(
    False, "--trust-pickle",
    help="Read a pickled scikit-learn estimator (.pkl/.joblib): it runs any code it holds; "
         "only for files you made. Prefer .skops.")


def load_cli_model(path: Path, weights: Path | None = None, trust_pickle: bool = False) -> Graph:
    """Load a model file exactly as the Python API does (:func:`edgesmith.api.loading.load_graph`)."""
    from ..api.loading import load_graph
    from ..frontends.sklearn_files import PICKLE_SUFFIXES

    if trust_pickle and path.suffix.lower() in PICKLE_SUFFIXES:
        say("warning", "yellow", f": --trust-pickle: reading {path} runs any code the pickle "
                                 "holds; do this only for files you made",
            to=err_console)
    return load_graph(path, weights, trust_pickle=trust_pickle)


def _tensor_json(graph: Graph, name: str) -> dict:
    t = graph.tensors[name]
    return {"name": name, "shape": list(t.shape), "dtype": t.dtype,
            "format": None if t.fmt is None else t.fmt.to_json()}


def inspect_model(model: Path = MODEL_ARG, weights: Path | None = WEIGHTS_OPTION,
                  trust_pickle: bool = TRUST_PICKLE_OPTION, as_json: bool = JSON_OPTION) -> None:
    """Ops, shapes, formats, MACs, weight bytes and the activation-memory lower bound."""
    _inspect(model, weights, trust_pickle, as_json=as_json)


@handle_errors()
def _inspect(model: Path, weights: Path | None, trust_pickle: bool = False, *,
             as_json: bool) -> None:
    from ..model_totals import graph_totals
    from ..report.metrics import op_rows

    graph = load_cli_model(model, weights, trust_pickle)
    rows = op_rows(graph)
    state = graph.state_tensors()
    totals = graph_totals(graph)
    bound = totals["activation_lower_bound_bytes"]
    if as_json:
        emit_json({
            "model": str(model), "name": graph.name, "quantized": graph.is_quantized(),
            "inputs": [_tensor_json(graph, n) for n in graph.inputs],
            "outputs": [_tensor_json(graph, n) for n in graph.outputs],
            "state": [_tensor_json(graph, t.name) for t in state],
            "ops": [{"index": r.index, "type": r.type, "output": r.output,
                     "shape": list(r.shape), "format": r.fmt, "macs": r.macs,
                     "weight_bytes": r.weight_bytes, "origin": r.origin} for r in rows],
            "totals": totals,
        })
        return
    table = Table(title=f"{graph.name}  ({model})", show_lines=False)
    for col, justify in (("#", "right"), ("op", "left"), ("output shape", "left"),
                         ("format", "left"), ("MACs", "right"), ("weights", "right")):
        table.add_column(col, justify=justify)
    for r in rows:
        table.add_row(str(r.index), r.type, str(list(r.shape)), r.fmt,
                      f"{r.macs:,}" if r.macs else "", f"{r.weight_bytes:,}" if r.weight_bytes else "")
    console.print(table)
    for label, names in (("input", graph.inputs), ("output", graph.outputs)):
        for n in names:
            t = graph.tensors[n]
            console.print(f"{label:<7} {n}: {list(t.shape)} {t.dtype} {describe_format(t.fmt)}")
    for t in state:
        console.print(f"state   {t.name}: {list(t.shape)} {t.dtype} {describe_format(t.fmt)}, "
                      f"{human_bytes(t.nbytes)} kept across invocations")
    kept = f"   state {human_bytes(totals['state_bytes'])}" if state else ""
    console.print(f"ops {totals['ops']}   MACs {totals['macs']:,}   "
                  f"weights {human_bytes(totals['weight_bytes'])}   "
                  f"activation lower bound {human_bytes(bound)}{kept}")


def simulate_model(model: Path = MODEL_ARG,
                   input_file: Path = typer.Option(..., "--input", "-i",
                                                   help="Inputs .npy (batch on axis 0) or .npz."),
                   output: Path = typer.Option(..., "--output", "-o", help="Outputs .npy/.npz."),
                   dequantize: bool = typer.Option(
                       False, "--dequantize",
                       help="Save real values (float32) instead of the raw integers."),
                   weights: Path | None = WEIGHTS_OPTION, as_json: bool = JSON_OPTION) -> None:
    """Run the golden simulator on a batch of inputs and save the raw outputs (a stateful
    model's samples are one sequence through one instance)."""
    _simulate(model, input_file, output, weights, dequantize, as_json=as_json)


@handle_errors()
def _simulate(model: Path, input_file: Path, output: Path, weights: Path | None,
              dequantize: bool = False, *, as_json: bool) -> None:
    from ..io.arrays import prepare_inputs
    from ..sim import simulate

    from ..quant.mixed_patch import mixed_model_of

    check_output_file(output)
    graph = load_cli_model(model, weights)
    inputs = prepare_inputs(graph, load_array_file(input_file))
    mixed = mixed_model_of(graph)  # QuantMCU: each patch on its branch, as the firmware runs it
    if mixed is None and graph.is_stateful:  # the batch is one sequence, as `verify` runs it
        from ..sim import simulate_sequences
        outs, routes = simulate_sequences(graph, inputs), None
    elif mixed is None:
        outs, routes = simulate(graph, inputs), None
    else:
        from ..quant.mixed_simulate import simulate_mixed_patched
        outs, routes = simulate_mixed_patched(mixed, inputs)
    if dequantize:
        from ..api.evaluate import dequantized

        outs = dequantized(graph, outs)
    result = outs[graph.outputs[0]] if len(graph.outputs) == 1 else {
        n: outs[n] for n in graph.outputs}
    save_array_atomic(result, output)
    samples = next(iter(inputs.values())).shape[0]
    info = {"model": str(model), "samples": samples, "output_file": str(output),
            "dequantized": dequantize,
            "outputs": [{"name": n, "shape": list(outs[n].shape), "dtype": str(outs[n].dtype)}
                        for n in graph.outputs]}
    if routes is not None:
        info["patches_8bit_share"] = round(float(routes.mean()), 6)
    if as_json:
        emit_json(info)
    else:
        routed = ("" if routes is None else
                  f" (mixed precision: {routes.mean():.1%} of patches ran 8-bit)")
        console.print(f"simulated {samples} sample(s){routed}; wrote {output}")


def quantize_model(model: Path = MODEL_ARG,
                   calib: Path = typer.Option(..., "--calib",
                                              help="Calibration inputs .npy (float, batch on axis 0)."),
                   output: Path = typer.Option(..., "--output", "-o", help="Output .esm file."),
                   scheme: str = typer.Option("int8", "--scheme",
                                              help="int8 (affine; with --weight-bits/--act-bits 4 "
                                                   "or 2: sub-byte), fixed (ap_fixed types) or "
                                                   "pow2 (power-of-two weights)."),
                   weight_bits: int | None = typer.Option(
                       None, "--weight-bits", min=1, max=32,
                       help="Weight bits: int8 8|4|2; fixed W (16); "
                                                   "pow2 code bits (4)."),
                   act_bits: int | None = typer.Option(
                       None, "--act-bits", min=1, max=32,
                       help="Activation bits: int8 8|4|2, or 16 (TFLite's 16x8: "
                            "int16 activations, int8 weights); fixed/pow2 W (16)."),
                   precision: list[str] | None = typer.Option(
                       None, "--precision", help="LAYER=fixed<W,I,Q,O> (LAYER: op output tensor "
                                                 "or index; LAYER:weight=, :bias=, :acc=; *= for "
                                                 "all). Repeatable. fixed and pow2 schemes."),
                   headroom: int = typer.Option(0, "--headroom", min=0, max=32,
                                                help="Extra integer bits above the calibrated "
                                                     "range (fixed and pow2)."),
                   weights: Path | None = WEIGHTS_OPTION,
                   trust_pickle: bool = TRUST_PICKLE_OPTION, as_json: bool = JSON_OPTION) -> None:
    """Post-training quantization with calibration data; writes an .esm model."""
    _quantize(model, calib, output, scheme, weights, weight_bits=weight_bits, act_bits=act_bits,
              precision=precision or [], headroom=headroom, trust_pickle=trust_pickle,
              as_json=as_json)


@handle_errors()
def _quantize(model: Path, calib: Path, output: Path, scheme: str, weights: Path | None, *,
              weight_bits: int | None = None, act_bits: int | None = None,
              precision: list[str] = (), headroom: int = 0, trust_pickle: bool = False,
              as_json: bool) -> None:
    from ..api.loading import quantize_checked
    from ..io.arrays import prepare_inputs
    from ..io import save_esm
    from ..report.metrics import weight_bytes

    if output.suffix != ".esm":
        raise EdgesmithError(f"output {output} must end in .esm (edgesmith model file)")
    check_output_file(output)
    graph = load_cli_model(model, weights, trust_pickle)
    from ..trees.graph import is_tree_graph
    if is_tree_graph(graph):  # int8 features, integer thresholds (cli/tree_cmds.py)
        from .tree_cmds import quantize_trees
        return quantize_trees(graph, model, calib, output, as_json=as_json)
    if graph.is_quantized() and graph.float_edges():
        raise EdgesmithError(f"{model} is already quantized: int8 inside, its float or uint8 "
                             "inputs and outputs converted by its own QUANTIZE/DEQUANTIZE ops",
                             hint=f"use it as it is: edgesmith verify {model} --target host, "
                                  f"edgesmith generate c {model}, edgesmith build {model}")
    if graph.is_quantized():
        raise EdgesmithError(f"{model} is already quantized",
                             hint="quantize the float model instead")
    data = load_array_file(calib, "calibration")
    samples = next(iter(prepare_inputs(graph, data).values())).shape[0]
    # each sample runs twice: calibration, then the saturation count on the quantized model
    with progress(f"quantizing {model.name}", 2 * samples, as_json) as advance:
        result = quantize_checked(graph, data, scheme=scheme, weight_bits=weight_bits,
                                  act_bits=act_bits, precision=precision, headroom=headroom,
                                  advance=advance)
    qgraph, overflows, accumulators = result.graph, result.overflows, result.accumulators
    save_esm(qgraph, output)  # last: a failure above leaves nothing written
    info = {"model": str(model), "output": str(output), "scheme": scheme,
            "weight_bits": weight_bits, "act_bits": act_bits,
            "calibration_samples": result.calibration_samples,
            "weight_bytes_float": weight_bytes(graph), "weight_bytes": weight_bytes(qgraph),
            "overflows": [c.to_json() for c in overflows],
            "accumulators": [a.to_json() for a in accumulators]}
    if as_json:
        emit_json(info)
        return
    console.print(f"quantized {model} ({scheme}, {info['calibration_samples']} calibration "
                  f"samples): weights {human_bytes(info['weight_bytes_float'])} -> "
                  f"{human_bytes(info['weight_bytes'])}; wrote {output}")
    _print_overflows(qgraph, overflows)
    for a in accumulators:
        if a.problem:
            say("warning", "yellow", f": op {a.op_index} ({a.op_type} -> {a.output}): "
                f"accumulator {a.override.describe()} {a.problem}; interval analysis needs "
                f"{a.required()}")


def _print_overflows(qgraph: Graph, overflows: list, top: int = 5) -> None:
    hit = [c for c in overflows if c.count]
    if not hit:
        console.print("no value saturated, wrapped or was clipped on the calibration set")
        return
    table = Table(title=f"values out of range on the calibration set (top {min(top, len(hit))} "
                        f"of {len(hit)} tensors)")
    for col in ("op", "tensor", "format", "kind", "count", "share"):
        table.add_column(col, justify="right" if col in ("op", "count", "share") else "left")
    for c in hit[:top]:
        table.add_row(str(c.op_index) if c.op_index >= 0 else "input", c.tensor,
                      describe_format(qgraph.tensors[c.tensor].fmt), c.kind, f"{c.count:,}",
                      f"{c.fraction:.2%}")
    console.print(table)
