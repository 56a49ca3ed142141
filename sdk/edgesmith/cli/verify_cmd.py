"""`edgesmith verify`: generated C code (host, an emulated board, or a board at a serial port)
or HLS C-simulation against the golden simulator, bit for bit."""

from __future__ import annotations

from pathlib import Path

import typer

from ..errors import BadArgumentError, EdgesmithError
from ..verify.shards import SHARD_SAMPLES
from . import hls_cmds
from .codegen_cmds import (
    NAME_OPTION,
    NO_INPLACE_OPTION,
    STRATEGY_OPTION,
    TARGETS,
    carried_mixed_model,
    strategy_name,
)
from .common import (JSON_OPTION, SEED_OPTION, console, emit_json, handle_errors,
                     load_array_file, progress, say, status)
from .model_cmds import MODEL_ARG, WEIGHTS_OPTION, load_cli_model
from .port_options import FLASH_OPTION, PORT_OPTION, TIMEOUT_OPTION, describe_board_run


# -- verify -------------------------------------------------------------------------------
def verify_model(model: Path = MODEL_ARG,
                 target: str | None = typer.Option(
                     None, "--target",
                     help="Where to run: host, qemu:BOARD (emulated), or hls-csim (HLS "
                          "C-simulation with g++). Or give --board and --port instead."),
                 board: str | None = typer.Option(None, "--board", "-b",
                                                  help="With --port: the board at the port."),
                 port: str | None = PORT_OPTION, flash: bool = FLASH_OPTION,
                 timeout: float = TIMEOUT_OPTION,
                 samples: int = typer.Option(100, "--samples", min=0,
                                             help="Random inputs, besides --inputs."),
                 inputs: Path | None = typer.Option(None, "--inputs",
                                                    help="Extra inputs .npy (batch on axis 0)."),
                 seed: int = SEED_OPTION,
                 code: Path | None = typer.Option(None, "--code",
                                                  help="Verify this generated folder instead "
                                                       "of generating one."),
                 name: str | None = NAME_OPTION, strategy: str = STRATEGY_OPTION,
                 no_inplace: bool = NO_INPLACE_OPTION, weights: Path | None = WEIGHTS_OPTION,
                 io: str = hls_cmds.IO_OPTION, precision: str | None = hls_cmds.PRECISION_OPTION,
                 workers: int = typer.Option(
                     1, "--workers", help="Run the samples in shards on this many local Ray "
                                          "workers (host and qemu:BOARD targets)."),
                 address: str | None = typer.Option(
                     None, "--address", help="Run the shards on the Ray cluster at "
                                             "ray://HOST:PORT."),
                 as_json: bool = JSON_OPTION) -> None:
    """Exit 0 only if the generated C code equals the simulator on every sample, bit for bit."""
    if (workers != 1 or address is not None) and (target == "hls-csim" or port is not None):
        return _refuse_shards(as_json)
    if target == "hls-csim":  # the HLS backend's C-simulation (cli/hls_cmds.py)
        return hls_cmds.verify_hls_csim(model, samples, inputs, seed, io, precision, code,
                                        weights, as_json=as_json)
    _verify(model, target, samples, inputs, seed, code, name, strategy, no_inplace, weights,
            (board, port, flash, timeout), (workers, address), as_json=as_json)


@handle_errors()
def _refuse_shards(as_json: bool) -> None:
    raise BadArgumentError("--workers and --address shard the samples of host and qemu:BOARD "
                           "runs; a board at a serial port and hls-csim run in one process",
                           hint="leave out --workers/--address, or use --target host or "
                                "qemu:BOARD")


def _check_where(target: str | None, board: str | None, port: str | None) -> str:
    """The target's label; a clear error when --target and --board/--port are mixed up."""
    if port is not None:
        if target is not None:
            raise EdgesmithError("give either --target or --board with --port, not both")
        if board is None:
            raise EdgesmithError("--port needs --board: the board at that port",
                                 hint="`edgesmith boards` lists the boards")
        return f"{board} at {port}"
    if board is not None:
        raise EdgesmithError("--board needs --port (a board at a serial port)",
                             hint="for an emulated board use --target qemu:BOARD")
    if target is None:
        raise EdgesmithError("say where to verify: --target (host, qemu:BOARD, hls-csim), "
                             "or --board BOARD --port PORT for a board at a serial port")
    return target


@handle_errors()
def _verify(model: Path, target: str | None, samples: int, inputs: Path | None, seed: int,
            code: Path | None, name: str | None, strategy: str, no_inplace: bool,
            weights: Path | None, serial: tuple, ray: tuple, *, as_json: bool) -> None:
    from ..codegen.c_model import check_integer_model
    from ..verify.host import verify_host
    from ..boards.host_build import default_compiler
    from ..codegen.options import CodeOptions

    board, port, _, _ = serial
    where = _check_where(target, board, port)
    options = CodeOptions(name=name, strategy=strategy_name(strategy), inplace=not no_inplace,
                          model_path=model)
    if port is None and target not in TARGETS and not target.startswith("qemu:"):
        raise EdgesmithError(f"unknown target {target!r}; choose one of {', '.join(TARGETS)} "
                             "or qemu:BOARD (an emulated board, `edgesmith boards`)")
    if port is None and target.startswith("qemu:") and not target[5:]:
        raise BadArgumentError("--target qemu: names no board; write qemu:BOARD",
                               hint="`edgesmith boards` lists the boards")
    graph = load_cli_model(model, weights)
    from ..trees.graph import is_tree_graph
    if is_tree_graph(graph):  # float or int8 features, host or QEMU (cli/tree_cmds.py)
        if port is not None:
            raise EdgesmithError("tree ensembles verify on --target host or qemu:BOARD; "
                                 "boards at a serial port are not supported for them yet")
        from .tree_cmds import verify_trees
        return verify_trees(graph, model, target, samples, inputs, seed, code, name,
                            as_json=as_json)
    check_integer_model(graph)
    if code is not None:
        _check_code_fits(code, graph, model)
    mixed = carried_mixed_model(graph, None)
    board_info = None
    if port is None and (ray != (1, None) or samples > SHARD_SAMPLES):
        report = _verify_in_shards(graph, model, target, samples, inputs, seed, code, options,
                                   mixed, ray, as_json)
    elif port is None and not target.startswith("qemu:"):
        batch = _verify_batch(graph, model, samples, inputs, seed)  # the host runs sample by sample
        count = int(next(iter(batch.values())).shape[0])
        with progress(f"building and running {model.name} on the host", count,
                      as_json) as advance:
            report = verify_host(graph, batch, code_dir=code, options=options, label=str(model),
                                 mixed=mixed, advance=advance)
    else:
        batch = _verify_batch(graph, model, samples, inputs, seed)
        report, board_info = _verify_on_board(graph, batch, model, where, target, serial, code,
                                              options, mixed, as_json)
    payload = {**report.to_json(), "target": where, "compiler": default_compiler(),
               "reference": "edgesmith simulator"}
    if board_info is not None:
        payload["on_board"] = board_info
        if not as_json:
            console.print(f"ran on {describe_board_run(board_info)}", highlight=False)
    if as_json:
        emit_json(payload)
    elif report.ok:
        routed = ", with every patch's branch," if mixed is not None else ""
        say("equal", "green", f": {report.samples} samples, 0 mismatched{routed} bit "
                      f"for bit ({model.name}: generated C on {where} vs the simulator)")
    else:
        say("MISMATCH", "red", f": {report.mismatched_samples} of {report.samples} "
                               "samples differ")
        if report.first_mismatch:
            f = report.first_mismatch
            console.print(f"first difference: op {f['op_index']} {f['op_type']} ({f['origin']}), "
                          f"tensor {f['tensor']!r}, sample {f['sample']}, element "
                          f"{list(f['index'])}: C gives {f['ours']}, simulator {f['theirs']}",
                          highlight=False)
    if not report.ok:
        raise typer.Exit(1)


def _check_code_fits(code: Path, graph, model: Path) -> None:
    """Refuse a --code folder whose input/output ports do not have this model's sizes."""
    from ..boards.project import read_model_api

    if not code.is_dir():
        raise BadArgumentError(f"--code {code} is not a folder")
    api = read_model_api(code)
    want = (tuple(graph.tensors[n].nbytes for n in graph.inputs),
            tuple(graph.tensors[n].nbytes for n in graph.outputs))
    if (api.input_bytes, api.output_bytes) != want:
        raise BadArgumentError(
            f"--code {code} holds {api.name} with input/output bytes {list(api.input_bytes)}/"
            f"{list(api.output_bytes)}; {model} has {list(want[0])}/{list(want[1])}",
            hint="pass the folder generated from this model, or leave out --code")


def _verify_batch(graph, model: Path, samples: int, inputs: Path | None, seed: int) -> dict:
    """--inputs (if any), then seeded random samples."""
    from ..api.targets import verification_batch

    return verification_batch(graph, None if inputs is None else load_array_file(inputs),
                              samples, seed)


def _verify_in_shards(graph, model: Path, target: str, samples: int, inputs: Path | None,
                      seed: int, code: Path | None, options, mixed, ray: tuple, as_json: bool):
    """Many samples, or several workers: shards of samples, each one build-and-run
    (verify/sharded_run.py), merged into one report."""
    from ..io.arrays import prepare_inputs
    from ..verify.sharded_run import verify_in_shards

    workers, address = ray
    user = None if inputs is None else prepare_inputs(graph, load_array_file(inputs))
    count = samples + (0 if user is None else int(next(iter(user.values())).shape[0]))
    where = "on the Ray cluster" if address else (f"on {workers} workers" if workers > 1
                                                  else "in shards")
    with progress(f"verifying {model.name} on {target} {where}", count, as_json) as advance:
        return verify_in_shards(graph, target, samples, seed, user=user, options=options,
                                label=str(model), mixed=mixed, workers=workers,
                                address=address, code_dir=code, advance=advance)


def _verify_on_board(graph, batch, model: Path, where: str, target: str | None, serial: tuple,
                     code: Path | None, options, mixed, as_json: bool):
    """The report of firmware on a board at a serial port or on an emulated board, and what
    the board said of itself (serial only)."""
    board, port, flash, timeout = serial
    board_info = None
    with status(f"building {model.name} for {where} and running it...", as_json):
        # a mixed-precision model: outputs and the branch of every patch (verify/reference.py)
        if port is not None:  # firmware on a board at a serial port (verify/serial.py)
            from ..verify.serial import verify_serial
            report, board_info = verify_serial(graph, batch, board=board, port=port, flash=flash,
                                               timeout=timeout, label=str(model), code_dir=code,
                                               options=options, mixed=mixed)
        else:  # firmware on an emulated board (boards/ owns this)
            from ..verify.qemu import verify_qemu
            report = verify_qemu(graph, batch, board=target[5:], label=str(model),
                                 code_dir=code, options=options, mixed=mixed)
    return report, board_info
