"""Board commands: boards, build, run, flash, bench latency."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table
from rich.text import Text

from ..io.outputs import check_output_file, check_output_folder
from .common import (
    JSON_OPTION,
    console,
    emit_json,
    handle_errors,
    human_bytes,
    load_array_file,
    save_array_atomic,
    say,
    status,
)
from .codegen_cmds import (BUDGET_OPTION, MAX_EXTRA_MACS_OPTION, NAME_OPTION, NO_INPLACE_OPTION,
                           OPTIMIZE_OPTION, PATCH_OPTION, STRATEGY_OPTION, carried_mixed_model,
                           layouts_json, requested_patch_plan, strategy_name)
from .model_cmds import MODEL_ARG, load_cli_model
from .port_options import FLASH_OPTION, PORT_OPTION, TIMEOUT_OPTION

BOARD_OPTION = typer.Option("mps2-an386", "--board", "-b",
                            help="Board name (`edgesmith boards`) or a board .toml file.")

bench_app = typer.Typer(help="Measure models on boards.", no_args_is_help=True)


def list_boards_cmd(as_json: bool = JSON_OPTION) -> None:
    """The boards edgesmith targets: microcontrollers (core, clock, flash, SRAM, how firmware
    runs) and FPGAs (part, clock, resources), with the commands that take each."""
    _list_boards(as_json=as_json)


def mcu_board_commands(board) -> list[str]:
    """The commands that take this microcontroller board (QEMU runs need an emulated one;
    a board with the serial harness also runs, verifies and measures at a serial port)."""
    at_port = ["run --port", "verify --board --port", "bench latency --port"]
    if board.emulated:
        return ["build", "run", f"verify --target qemu:{board.name}", "bench latency"] + \
            (at_port if board.io == "serial" else [])
    return ["build", "flash"] + (at_port if board.io == "serial" else [])


#: the commands an FPGA board serves: --board of the first two; the C-simulation checks HLS
#: code generated for any of them (`--code DIR`), the part does not change it
FPGA_BOARD_COMMANDS = ["generate hls", "estimate", "verify --target hls-csim"]


@handle_errors()
def _list_boards(*, as_json: bool) -> None:
    from ..boards import list_boards
    from ..boards.fpga_boards import list_fpga_boards

    boards, fpga_boards = list_boards(), list_fpga_boards()
    if as_json:
        # "boards" keeps the microcontroller entries it always had; FPGAs come in a list
        # of their own so that readers of "boards" see only the keys they know
        emit_json({"boards": [{
            "name": b.name, "kind": "mcu", "description": b.description, "core": b.core,
            "fpu": b.fpu, "clock_hz": b.clock_hz, "reset_clock_hz": b.reset_clock_hz,
            "flash": {"name": b.flash.name, "origin": b.flash.origin, "size": b.flash.size},
            "ram": {"name": b.ram.name, "origin": b.ram.origin, "size": b.ram.size},
            "emulated": b.emulated, "qemu_machine": b.qemu_machine,
            "flash_method": b.flashing.get("method"), "default": b.default,
            "status": b.status, "commands": mcu_board_commands(b)} for b in boards],
            "fpga_boards": [{
                "name": b.name, "kind": "fpga", "description": b.description, "part": b.part,
                "clock_ns": b.clock_ns, "clock_mhz": round(b.clock_mhz, 3),
                "dsp_slice": b.dsp_slice, "resources": dict(b.resources),
                "commands": FPGA_BOARD_COMMANDS} for b in fpga_boards]})
        return
    table = Table(title="microcontroller boards (--board of build, run, flash, verify --target "
                        "qemu:BOARD, bench latency; with --port PORT, of run, verify and bench "
                        "latency on a board at a serial port)")
    for col in ("name", "core", "clock", "flash", "SRAM", "runs on"):
        table.add_column(col)
    for b in boards:
        runs = b.how_to_run() + (" (default)" if b.default else "")
        if b.status:
            runs = Text.assemble(runs, (f" {b.status}", "yellow"))
        table.add_row(b.name, b.core + ("" if b.has_fpu else ", no FPU"),
                      f"{b.clock_hz / 1e6:g} MHz", f"{b.flash.size // 1024:,} KiB",
                      f"{b.ram.size // 1024:,} KiB", runs)
    console.print(table)
    table = Table(title="FPGA boards (--board of generate hls, estimate)")
    for col in ("name", "part", "clock", "DSP", "LUT", "BRAM18", "URAM"):
        table.add_column(col, justify="left" if col in ("name", "part") else "right")
    for b in fpga_boards:
        r = b.resources
        table.add_row(b.name, b.part, f"{b.clock_mhz:.4g} MHz ({b.clock_ns:g} ns)",
                      f"{r['dsp']:,} {b.dsp_slice}", f"{r['lut']:,}", f"{r['bram18']:,}",
                      f"{r['uram']:,}")
    console.print(table)
    console.print("`edgesmith verify MODEL --target hls-csim` C-simulates HLS code with g++, "
                  "whichever board it is for (`--code DIR` checks a folder written by "
                  "`generate hls --board`)", highlight=False)


def build_cmd(model: Path = MODEL_ARG, board: str = BOARD_OPTION,
              output: Path = typer.Option(..., "--output", "-o", help="Firmware folder to write."),
              trace: bool = typer.Option(False, "--trace",
                                         help="Build with the per-op trace hook."),
              name: str | None = NAME_OPTION, strategy: str = STRATEGY_OPTION,
              no_inplace: bool = NO_INPLACE_OPTION, patch: str | None = PATCH_OPTION,
              budget_kb: float | None = BUDGET_OPTION,
              max_extra_macs: float | None = MAX_EXTRA_MACS_OPTION,
              optimize: str | None = OPTIMIZE_OPTION,
              as_json: bool = JSON_OPTION) -> None:
    """Generate the model's C code and build harness firmware: ELF, BIN, HEX (UF2)."""
    _build(model, board, output, trace, (name, strategy, no_inplace, optimize),
           (patch, budget_kb, max_extra_macs), as_json=as_json)


@handle_errors()
def _build(model: Path, board_name: str, output: Path, trace: bool, code: tuple,
           patching: tuple, *, as_json: bool) -> None:
    from ..api.firmware import build_for_board
    from ..boards import get_board
    from ..codegen.c_layouts import layout_lines
    from ..codegen.options import CodeOptions

    board = get_board(board_name)
    check_output_folder(output)
    graph = load_cli_model(model)
    (name, strategy, no_inplace, optimize), (patch, budget_kb, max_extra_macs) = code, patching
    carried_mixed_model(graph, patch)  # a model with its own patch plan refuses --patch
    plan = requested_patch_plan(graph, patch, budget_kb, max_extra_macs) if patch else None
    options = CodeOptions(name=name, strategy=strategy_name(strategy), inplace=not no_inplace,
                          patch=plan, model_path=model, optimize=optimize).for_board(board)
    with status(f"building {model.name} for {board.name}...", as_json):
        image = build_for_board(graph, board, output, options=options, trace=trace)
    layouts = options.layouts(graph)  # after the build, which refuses what C cannot run
    described = options.describe(image.model.name, image.model.arena_bytes)
    if as_json:
        emit_json({**image.to_json(), "code": described, "layouts": layouts_json(layouts)})
        return
    if plan is not None:
        console.print(plan.summary(), highlight=False)
    if layouts:
        console.print("\n".join(layout_lines(layouts)), highlight=False)
    s = image.sizes
    console.print(f"arm-none-eabi-size: text {s.text:,}  data {s.data:,}  bss {s.bss:,}  "
                  f"(stack {s.stack:,}, model arena {image.model.arena_bytes:,})")
    for label, used, region in (("flash", s.flash, board.flash), ("RAM", s.ram, board.ram)):
        console.print(f"{label:<5} {human_bytes(used)} of {human_bytes(region.size)} "
                      f"({100 * used / region.size:.1f}%, {region.name})")
    files = ", ".join(p.name for p in image.artifacts().values())
    console.print(f"wrote {output}: {files}")
    if board.status:
        say("note:", "yellow", f" {board.name}: {board.status}")


def run_cmd(model: Path = MODEL_ARG, board: str = BOARD_OPTION,
            input_file: Path = typer.Option(..., "--input", "-i",
                                            help="Inputs .npy (batch on axis 0) or .npz."),
            output: Path = typer.Option(..., "--output", "-o", help="Outputs .npy/.npz."),
            port: str | None = PORT_OPTION, flash: bool = FLASH_OPTION,
            timeout: float = TIMEOUT_OPTION, as_json: bool = JSON_OPTION) -> None:
    """Run a model on an emulated board (QEMU), or with --port on a board at a serial port:
    every sample in one boot."""
    _run(model, board, input_file, output, (port, flash, timeout), as_json=as_json)


@handle_errors()
def _run(model: Path, board_name: str, input_file: Path, output: Path, serial: tuple, *,
         as_json: bool) -> None:
    from ..boards import get_board
    from ..boards.qemu import run_graph
    from ..boards.serial_run import run_graph_on_port
    from ..io.arrays import prepare_inputs

    port, flash, timeout = serial
    board = get_board(board_name)
    check_output_file(output)
    graph = load_cli_model(model)
    inputs = prepare_inputs(graph, load_array_file(input_file))
    where = f"{board.name} at {port}" if port else board.name
    with status(f"running {model.name} on {where}...", as_json):
        if port:
            outs, run = run_graph_on_port(graph, board, inputs, port, flash=flash,
                                          timeout=timeout)
        else:
            outs, run = run_graph(graph, board, inputs)
    result = outs[graph.outputs[0]] if len(graph.outputs) == 1 else outs
    save_array_atomic(result, output)
    samples = next(iter(inputs.values())).shape[0]
    info = {"model": str(model), "board": board.name, "samples": int(samples),
            "output_file": str(output), "port": port,
            ("seconds" if port else "qemu_seconds"): round(run.seconds, 3)}
    if run.hello is not None:
        info.update(clock_hz=run.hello.clock_hz, cycle_counter=run.hello.cycle_counter,
                    cycles=[int(c) for c in run.cycles])
    if as_json:
        emit_json(info)
    else:
        how = f"serial port {port}" if port else "QEMU"
        console.print(f"ran {samples} sample(s) on {board.name} ({how}, {run.seconds:.1f} s); "
                      f"wrote {output}")


def flash_cmd(folder: Path = typer.Argument(..., help="Firmware folder from `edgesmith build`."),
              board: str | None = typer.Option(None, "--board", "-b",
                                               help="Board (default: the one it was built for)."),
              as_json: bool = JSON_OPTION) -> None:
    """Program a real board: pyOCD, OpenOCD or UF2 copy, as the board file says."""
    _flash(folder, board, as_json=as_json)


@handle_errors()
def _flash(folder: Path, board_name: str | None, *, as_json: bool) -> None:
    from ..boards import get_board
    from ..boards.flash import flash_firmware

    message = flash_firmware(folder, get_board(board_name) if board_name else None)
    if as_json:
        emit_json({"folder": str(folder), "result": message})
    else:
        console.print(message)


@bench_app.command("latency")
def bench_latency_cmd(model: Path = MODEL_ARG, board: str = BOARD_OPTION,
                      samples: int = typer.Option(1, "--samples", min=1,
                                                  help="Random inputs to count."),
                      layers: bool = typer.Option(True, "--layers/--no-layers",
                                                  help="Also count every op (a second build)."),
                      cpi: float = typer.Option(
                          1.0, "--cpi", min=0.01,
                          help="Cycles per instruction for the time estimate."),
                      code: Path | None = typer.Option(
                          None, "--code",
                          help="Count this generated C folder of MODEL instead of generating "
                               "one."),
                      port: str | None = PORT_OPTION, flash: bool = FLASH_OPTION,
                      timeout: float = TIMEOUT_OPTION, as_json: bool = JSON_OPTION) -> None:
    """Executed instructions per inference and per layer under QEMU (exact), and a time
    estimate; with --port, cycles per inference measured on the board beside them."""
    if port:
        return _latency_on_board(model, board, samples, code, port, flash, timeout,
                                 as_json=as_json)
    _latency(model, board, samples, layers, cpi, code, as_json=as_json)


@handle_errors()
def _latency_on_board(model: Path, board_name: str, samples: int, code: Path | None, port: str,
                      flash: bool, timeout: float, *, as_json: bool) -> None:
    from ..boards import get_board
    from ..boards.board_latency import measure_on_board

    board = get_board(board_name)
    graph = load_cli_model(model)
    with status(f"measuring {model.name} on {board.name} at {port}...", as_json):
        report = measure_on_board(graph, board, port, samples=samples, flash=flash,
                                  timeout=timeout, model_dir=code)
    if as_json:
        emit_json(report.to_json())
        return
    console.print(f"cycles per inference on {board.name} at {port}: {report.cycles:,} "
                  f"({report.cycle_counter}) = {report.measured_ms:.3f} ms at "
                  f"{report.clock_hz / 1e6:g} MHz (measured on the board)", highlight=False)
    if report.instructions is not None:
        console.print(f"instructions per inference on {report.emulator_board} (QEMU, exact): "
                      f"{report.instructions:,}; cycles per instruction "
                      f"{report.cycles_per_instruction:.2f}", highlight=False)
    if board.emulated:
        say("note:", "yellow", " an emulated board's SysTick follows the host's "
                      "clock: these cycles prove the path, not a chip's speed")


@handle_errors()
def _latency(model: Path, board_name: str, samples: int, layers: bool, cpi: float,
             code: Path | None, *, as_json: bool) -> None:
    from ..boards import get_board
    from ..boards.latency import measure_latency

    board = get_board(board_name)
    graph = load_cli_model(model)
    with status(f"counting {model.name} on {board.name}...", as_json):
        report = measure_latency(graph, board, samples=samples, per_layer=layers, cpi=cpi,
                                 model_dir=code)
    if as_json:
        emit_json({**report.to_json(), "code": str(code) if code else None})
        return
    if report.layers:
        table = Table(title=f"{report.model} on {board.name} ({board.core})")
        for col, justify in (("#", "right"), ("op", "left"), ("MACs", "right"),
                             ("instructions", "right"), ("instr/MAC", "right"),
                             ("est. M4 cycles", "right")):
            table.add_column(col, justify=justify)
        for layer in report.layers:
            per_mac = f"{layer.instructions / layer.macs:.2f}" if layer.macs else ""
            table.add_row(str(layer.index), layer.type, f"{layer.macs:,}" if layer.macs else "",
                          f"{layer.instructions:,}", per_mac,
                          f"{layer.estimated_m4_cycles:,}" if layer.estimated_m4_cycles else "")
        console.print(table)
        console.print(f"sum of ops (trace build, includes the hook calls): "
                      f"{report.traced_instructions:,}")
    console.print(f"instructions per inference: {report.instructions:,}   MACs {report.macs:,}   "
                  f"instructions/MAC {report.instructions_per_mac:.2f}")
    console.print(f"estimated time at {board.clock_hz / 1e6:g} MHz, CPI {cpi:g}: "
                  f"{report.estimated_ms:.2f} ms (an estimate from instruction counts, "
                  "not a measurement)")
    if report.estimated_m4_cycles:
        console.print(f"estimated Cortex-M4 cycles: {report.estimated_m4_cycles:,} (the TRM's "
                      "timings at zero wait states: an estimate, not a measurement)")
