"""Commands for FPGAs: `generate hls`, `estimate`, and `verify --target hls-csim`."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from ..errors import EdgesmithError
from ..io.outputs import check_output_folder, remove_stale_staging
from .common import (
    JSON_OPTION,
    console,
    say,
    emit_json,
    handle_errors,
    human_bytes,
    load_array_file,
    status,
)
from ..trees.graph import is_tree_graph
from .model_cmds import MODEL_ARG, WEIGHTS_OPTION, load_cli_model

IO_OPTION = typer.Option("parallel", "--io", help="I/O style: parallel (arrays) or stream "
                                                  "(hls::stream, DATAFLOW).")
REUSE_OPTION = typer.Option(1, "--reuse", min=1, help="Reuse factor: products per multiplier "
                                                      "(the pipeline's initiation interval).")
PRECISION_OPTION = typer.Option(None, "--precision",
                                help="Float models: fixed<W,I[,Q,O]> for everything (default "
                                     "fixed<16,6>, hls4ml's), or pow2[:BITS][,fixed<W,I>] for "
                                     "power-of-two weights.")
BOARD_OPTION = typer.Option(None, "--board", help="FPGA board (pynq-z2, ultra96-v2, zcu104, "
                                                  "alveo-u250, or a .toml): its part and clock.")


def fixed_model(model: Path, weights: Path | None, precision: str | None, loaded=None):
    """The model as a fixed-point graph (float models get ``--precision``), and its description;
    ``loaded`` is its graph when the caller has loaded it already."""
    from ..hls.precision import fixed_point_graph, is_fixed_point, parse_precision

    graph = loaded if loaded is not None else load_cli_model(model, weights)
    if is_fixed_point(graph):
        if precision:
            raise EdgesmithError(f"{model} is fixed-point already; --precision is for float models")
        return graph
    return fixed_point_graph(graph, parse_precision(precision))


def _target(board: str | None, part: str | None, clock_ns: float | None):
    """(part, clock, board name): --board gives defaults, --part / --clock-ns override."""
    from ..boards.fpga_boards import get_fpga_board

    b = get_fpga_board(board) if board else None
    part, clock_ns = part or (b and b.part), clock_ns or (b and b.clock_ns)
    if not part or not clock_ns:
        raise EdgesmithError("say which FPGA: --board BOARD, or --part PART and --clock-ns T",
                             hint="boards: pynq-z2, ultra96-v2, zcu104, alveo-u250")
    return part, float(clock_ns), b.name if b else None


# -- generate hls -------------------------------------------------------------------------
def generate_hls_model(model: Path = MODEL_ARG,
                       output: Path = typer.Option(..., "--output", "-o",
                                                   help="Folder to write (replaced if generated "
                                                        "before)."),
                       part: str | None = typer.Option(None, "--part", help="FPGA part, e.g. "
                                                                            "xc7z020clg400-1."),
                       clock_ns: float | None = typer.Option(None, "--clock-ns",
                                                             help="Clock period in ns."),
                       io: str = IO_OPTION, reuse: int = REUSE_OPTION,
                       board: str | None = BOARD_OPTION, precision: str | None = PRECISION_OPTION,
                       name: str | None = typer.Option(None, "--name",
                                                       help="C++ name of the top function."),
                       weights: Path | None = WEIGHTS_OPTION,
                       as_json: bool = JSON_OPTION) -> None:
    """Vitis HLS C++: top function, layer configs, weights, a testbench that fails, build Tcl."""
    _generate_hls(model, output, part, clock_ns, io, reuse, board, precision, name, weights,
                  as_json=as_json)


@handle_errors()
def _generate_hls(model: Path, output: Path, part: str | None, clock_ns: float | None, io: str,
                  reuse: int, board: str | None, precision: str | None, name: str | None,
                  weights: Path | None, *, as_json: bool) -> None:
    from ..hls.writer import generate_hls

    part, clock_ns, board_name = _target(board, part, clock_ns)
    check_output_folder(output)
    remove_stale_staging(output)
    graph = load_cli_model(model, weights)
    if is_tree_graph(graph):  # trees keep the library's score type (cli/tree_cmds.py)
        from .tree_cmds import generate_trees_hls
        return generate_trees_hls(graph, model, output, name, part, clock_ns, as_json=as_json)
    graph = fixed_model(model, weights, precision, graph)
    result = generate_hls(graph, output, part=part, clock_ns=clock_ns, io=io,
                          reuse_factor=reuse, board=board_name, name=name, source=str(model))
    p = result.project
    info = {"model": str(model), "name": p.name, "folder": str(result.folder), "io": io,
            "reuse_factor": reuse, "part": part, "clock_ns": clock_ns, "board": board_name,
            "precision": p.precision, "layers": len(p.configured_layers),
            "weight_bits": sum(a.bits for a in p.arrays), "files": result.files,
            "vitis_hls": "not run here: build_prj.tcl needs Vitis HLS"}
    if as_json:
        emit_json(info)
        return
    console.print(f"wrote {result.folder} ({p.name}: {len(p.configured_layers)} layers, "
                  f"{io} I/O, reuse {reuse}, {part} at {clock_ns} ns; {p.precision})")
    console.print(f"weights and tables {human_bytes((info['weight_bits'] + 7) // 8)} as raw "
                  f"integers; C-simulate with `edgesmith verify {model} --target hls-csim`; "
                  "build_prj.tcl needs Vitis HLS (not run here)")


# -- estimate -----------------------------------------------------------------------------
def estimate_model(model: Path = MODEL_ARG,
                   board: str = typer.Option(..., "--board", help="FPGA board (or a .toml)."),
                   reuse: int = REUSE_OPTION, io: str = IO_OPTION,
                   precision: str | None = PRECISION_OPTION,
                   clock_ns: float | None = typer.Option(None, "--clock-ns",
                                                         help="Clock period (default: the "
                                                              "board's)."),
                   weights: Path | None = WEIGHTS_OPTION, as_json: bool = JSON_OPTION) -> None:
    """Multipliers, DSPs, LUTs, BRAM and latency per layer, by stated rules (no synthesis)."""
    _estimate(model, board, reuse, io, precision, clock_ns, weights, as_json=as_json)


@handle_errors()
def _estimate(model: Path, board: str, reuse: int, io: str, precision: str | None,
              clock_ns: float | None, weights: Path | None, *, as_json: bool) -> None:
    from ..hls import estimate as rules
    from ..boards.fpga_boards import get_fpga_board

    from ..hls.fit import over_budget, smallest_fitting_reuse

    fpga = get_fpga_board(board)
    graph = load_cli_model(model, weights)
    if is_tree_graph(graph):
        raise EdgesmithError(f"{model}: resource estimates of tree ensembles are not "
                             "implemented yet", hint="generate the HLS project with "
                             "`edgesmith generate hls` and synthesize it with Vitis HLS")
    graph = fixed_model(model, weights, precision, graph)
    est = rules.estimate_graph(graph, fpga, io=io, reuse_factor=reuse, clock_ns=clock_ns)
    over = over_budget(est)
    fitting = smallest_fitting_reuse(graph, fpga, io=io, clock_ns=clock_ns,
                                     start=reuse) if over else None
    if as_json:
        emit_json({**est.to_json(), "rules": rules.__doc__, "over_budget": over,
                   "smallest_fitting_reuse": fitting})
        return
    table = Table(title=f"{est.model} on {fpga.name} ({est.part}), {io} I/O, reuse {reuse}")
    for col in ("#", "op", "mults", "bits", "DSP/mult", "DSP", "LUT", "FF", "BRAM18",
                "latency", "interval", "notes"):
        table.add_column(col, justify="left" if col in ("op", "notes") else "right")
    for e in est.layers:
        bits = f"{e.operand_bits[0]}x{e.operand_bits[1]}" if e.operand_bits else ""
        table.add_row(str(e.op_index), e.op_type, str(e.multipliers or ""), bits,
                      str(e.dsp_per_multiplier or ""), f"{e.dsp:,}", f"{e.lut:,}", f"{e.ff:,}",
                      str(e.bram18), str(e.latency), str(e.interval), "; ".join(e.notes))
    console.print(table)
    for key in ("lut", "ff", "dsp", "bram18"):
        console.print(f"{key.upper():<7} {est.totals[key]:>10,} of {est.available[key]:>10,} "
                      f"({100 * est.utilization[key]:.1f}%)")
    console.print(f"latency {est.latency_cycles} cycles ({est.latency_ns:.1f} ns at "
                  f"{est.clock_ns} ns), interval {est.interval_cycles} cycles; rules: "
                  "sdk/edgesmith/hls/estimate.py (an estimate, not synthesis)")
    if over:
        names = ", ".join(k.upper() for k in over)
        remedy = (f"the smallest reuse factor that fits is {fitting} (--reuse {fitting})"
                  if fitting else "no reuse factor fits; pick a bigger part or narrower types")
        say("warning", "yellow", f": over {fpga.name}'s resources ({names}) at reuse {reuse}; "
                                 f"{remedy}")


# -- verify --target hls-csim ---------------------------------------------------------------
def verify_hls_csim(model: Path, samples: int, inputs: Path | None, seed: int, io: str,
                    precision: str | None, code: Path | None, weights: Path | None, *,
                    as_json: bool) -> None:
    """`edgesmith verify MODEL --target hls-csim`: every output of the g++ C-simulation
    equals the simulator's, bit for bit (exit 1 otherwise)."""
    _verify_hls(model, samples, inputs, seed, io, precision, code, weights, as_json=as_json)


@handle_errors()
def _verify_hls(model: Path, samples: int, inputs: Path | None, seed: int, io: str,
                precision: str | None, code: Path | None, weights: Path | None, *,
                as_json: bool) -> None:
    import numpy as np

    from ..hls.csim import ap_types_dir, compiler
    from ..verify.csim import verify_csim
    from ..boards.fpga_boards import get_fpga_board
    from ..hls.tbdata import random_fixed_inputs

    graph = load_cli_model(model, weights)
    if is_tree_graph(graph):  # trees: the library's float or int8 features (cli/tree_cmds.py)
        from .tree_cmds import verify_trees_csim
        return verify_trees_csim(graph, model, samples, inputs, seed, code, as_json=as_json)
    graph = fixed_model(model, weights, precision, graph)
    batch = random_fixed_inputs(graph, samples, seed)
    if inputs is not None:  # real values, quantized into the input formats
        from ..io.arrays import prepare_inputs

        given = prepare_inputs(graph, load_array_file(inputs))
        batch = {n: np.concatenate([graph.tensors[n].fmt.quantize(given[n]), batch[n]])
                 for n in graph.inputs}
    if batch[graph.inputs[0]].shape[0] == 0:
        raise EdgesmithError("nothing to verify: --samples is 0 and there are no --inputs")
    board = get_fpga_board("pynq-z2")  # the part only names the Tcl target; C-sim ignores it
    with status(f"C-simulating {model.name} ({io} I/O) with g++...", as_json):
        report, run = verify_csim(graph, batch, code_dir=code, label=str(model), io=io,
                                  part=board.part, clock_ns=board.clock_ns, source=str(model))
    testbench = next((ln for ln in run.stdout.splitlines() if ln.startswith("MISMATCH")), None)
    payload = {**report.to_json(), "target": "hls-csim", "io": io,
               "precision": graph.meta.get("precision", "fixed-point model"),
               "compiler": compiler(), "ap_types": str(ap_types_dir()),
               "reference": "edgesmith simulator", "testbench_exit": run.returncode,
               "testbench_first_mismatch": testbench}
    if as_json:
        emit_json(payload)
    elif report.ok:
        say("equal", "green", f": {report.samples} samples, 0 mismatched, bit for "
                      f"bit ({model.name}: HLS C-simulation, {io} I/O, vs the simulator)")
    else:
        say("MISMATCH", "red", f": {report.mismatched_samples} of {report.samples} "
                               "samples differ")
        if testbench:
            console.print(f"testbench: {testbench}", highlight=False)
        if report.first_mismatch:
            f = report.first_mismatch
            console.print(f"first differing layer: op {f['op_index']} {f['op_type']} "
                          f"({f['origin']}), tensor {f['tensor']!r}, sample {f['sample']}, "
                          f"element {list(f['index'])}: C++ gives {f['ours']}, simulator "
                          f"{f['theirs']}", highlight=False)
    if not report.ok:
        raise typer.Exit(1)
