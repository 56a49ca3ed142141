"""Report sections about where the model runs: instructions per layer from a run on an
emulated board (QEMU, the count `edgesmith bench latency` makes), and DSP, BRAM and latency
per layer on an FPGA (the rules of `edgesmith estimate`).
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from ..errors import EdgesmithError
from ..ir import Graph
from . import svg
from .sections import Section, Table, short_label


def board_section(graph: Graph, board_name: str | None, patch_plan, data: dict) -> Section:
    """Instructions per layer on ``board_name`` when it is emulated here; else "no board run"."""
    if board_name is None:
        data["board"] = None
        return Section("board", "Instructions per layer",
                       ["no board run: give --board with an emulated board (e.g. mps2-an386) "
                        "to count instructions per layer under QEMU"])
    from ..boards import get_board

    board = get_board(board_name)
    if not board.emulated:
        data["board"] = {"name": board.name, "ran": False}
        return Section("board", f"Instructions per layer on {board.name}",
                       [f"no board run: {board.name} is a real board, not emulated here; "
                        "`edgesmith bench latency MODEL --board B --port PORT` measures it"])
    report = _count(graph, board, patch_plan)
    names = _layer_names(graph, report, patch_plan)
    data["board"] = {"name": board.name, "ran": True, "core": board.core,
                     "instructions": report.instructions, "macs": report.macs,
                     "traced_instructions": report.traced_instructions,
                     "estimated_m4_cycles": report.estimated_m4_cycles,
                     "layers": [{"label": n, "instructions": layer.instructions,
                                 "estimated_m4_cycles": layer.estimated_m4_cycles}
                                for n, layer in zip(names, report.layers)]}
    notes = [f"{report.instructions:,} instructions per inference on {board.name} "
             f"({board.core}, QEMU, exact), {report.instructions_per_mac:.2f} per MAC; per layer "
             f"from the trace build (sum {report.traced_instructions:,}, hook calls included)"]
    if report.estimated_m4_cycles:
        notes.append(f"estimated Cortex-M4 cycles {report.estimated_m4_cycles:,} (TRM timings, "
                     "zero wait states: an estimate, as `bench latency` prints it)")
    if patch_plan is not None:
        notes.append(f"the patch-based code: ops 0..{patch_plan.split} count as one step")
    table = Table(["step", "instructions", "estimated M4 cycles"],
                  [[n, f"{layer.instructions:,}", f"{layer.estimated_m4_cycles:,}"]
                   for n, layer in zip(names, report.layers)], numeric={1, 2})
    chart = svg.bar_chart([layer.instructions for layer in report.layers], names,
                          "Instructions per layer", unit=" instructions", colour=svg.PALETTE[4])
    return Section("board", f"Instructions per layer on {board.name}", notes, [chart], table)


def _count(graph: Graph, board, patch_plan):
    """The latency report of the code the page describes (patch-based when planned)."""
    from ..boards.latency import measure_latency

    if patch_plan is None:
        return measure_latency(graph, board, per_layer=True)
    from ..codegen.options import CodeOptions, generate_code

    options = CodeOptions(patch=patch_plan).for_core(board.core, board.stack_bytes)
    with tempfile.TemporaryDirectory(prefix="edgesmith-report-") as tmp:
        folder = Path(tmp) / "code"
        generate_code(graph, folder, options)
        return measure_latency(graph, board, per_layer=True, model_dir=folder)


def _layer_names(graph: Graph, report, patch_plan) -> list[str]:
    """A label per counted step: every op, or the patch stage as one step then the rest."""
    ops = list(enumerate(graph.ops))
    if patch_plan is not None and len(report.layers) == len(ops) - patch_plan.split:
        return [f"patch stage 0..{patch_plan.split}"] + [
            short_label(i, op.type) for i, op in ops[patch_plan.split + 1:]]
    return [short_label(layer.index, layer.type) for layer in report.layers]


def fpga_board(target: str):
    """An FPGA board by name (or .toml), or the shipped board of a part."""
    from ..boards.fpga_boards import board_for_part, get_fpga_board, list_fpga_boards

    by_part = board_for_part(target)
    if by_part is not None:
        return by_part
    try:
        return get_fpga_board(target)
    except EdgesmithError as exc:
        names = ", ".join(f"{b.name} ({b.part})" for b in list_fpga_boards())
        raise EdgesmithError(f"--target {target!r} is neither an FPGA board nor the part of "
                             f"one: {exc.message}", hint=f"FPGA boards: {names}") from None


def fpga_section(graph: Graph, board, data: dict, *, reuse: int = 1,
                 io: str = "parallel") -> Section:
    """DSP, BRAM and latency per layer of the HLS code for ``board``, and its weight bits."""
    from ..hls.estimate import estimate_project
    from ..hls.fit import over_budget, smallest_fitting_reuse
    from ..hls.project import build_hls_project

    project = build_hls_project(graph, io=io, reuse_factor=reuse, part=board.part,
                                clock_ns=board.clock_ns, board=board.name)
    est = estimate_project(project, board)
    weight_bits = {layer.op_index: sum(a.bits for a in layer.arrays) for layer in project.layers}
    over = over_budget(est)
    fitting = smallest_fitting_reuse(graph, board, io=io, clock_ns=None, start=reuse) \
        if over else None
    labels = [short_label(e.op_index, e.op_type) for e in est.layers]
    data["fpga"] = {"board": board.name, "part": board.part, "clock_ns": est.clock_ns,
                    "io": io, "reuse_factor": reuse, "totals": est.totals,
                    "available": est.available, "latency_cycles": est.latency_cycles,
                    "over_budget": over, "smallest_fitting_reuse": fitting,
                    "layers": [{"op_index": e.op_index, "op_type": e.op_type, "dsp": e.dsp,
                                "bram18": e.bram18, "lut": e.lut, "latency": e.latency,
                                "weight_bits": weight_bits.get(e.op_index, 0)}
                               for e in est.layers]}
    use = ", ".join(f"{k.upper()} {est.totals[k]:,} of {est.available[k]:,} "
                    f"({100 * est.utilization[k]:.1f}%)" for k in ("dsp", "bram18", "lut", "ff"))
    notes = [f"{board.name} ({board.part}) at {est.clock_ns:g} ns, {io} I/O, reuse {reuse}: "
             f"{use}; latency {est.latency_cycles} cycles ({est.latency_ns:.1f} ns), an estimate "
             "by stated rules, not synthesis"]
    if over:
        remedy = (f"the smallest reuse factor that fits is {fitting}" if fitting
                  else "no reuse factor fits")
        notes.append(f"over {board.name}'s resources ({', '.join(k.upper() for k in over)}); "
                     f"{remedy}")
    table = Table(["#", "op", "DSP", "BRAM18", "LUT", "latency (cycles)", "weight bits"],
                  [[str(e.op_index), e.op_type, f"{e.dsp:,}", str(e.bram18), f"{e.lut:,}",
                    str(e.latency), f"{weight_bits.get(e.op_index, 0):,}"] for e in est.layers],
                  numeric={0, 2, 3, 4, 5, 6})
    charts = [svg.bar_chart([e.dsp for e in est.layers], labels, "DSPs per layer", unit=" DSP"),
              svg.bar_chart([e.bram18 for e in est.layers], labels, "BRAM18 per layer",
                            unit=" BRAM18", colour=svg.PALETTE[2]),
              svg.bar_chart([e.latency for e in est.layers], labels, "Latency per layer (cycles)",
                            unit=" cycles", colour=svg.PALETTE[5])]
    return Section("fpga", f"FPGA resources per layer on {board.name}", notes, charts, table)
