"""The parts of the HTML report that describe the model itself: the op table, MACs per layer,
the arena's memory timeline and the patch plan. Each builder returns a :class:`Section` (what
the template lays out) and fills ``data`` with the numbers the page embeds as JSON, named as
`edgesmith inspect --json` and `edgesmith plan --json` name them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..ir import Graph
from . import svg
from ..model_totals import graph_totals
from ..report.metrics import op_rows


@dataclass
class Table:
    headers: list[str]
    rows: list[list[str]]
    #: columns whose cells are numbers (right-aligned)
    numeric: set[int] = field(default_factory=set)


@dataclass
class Section:
    id: str
    title: str
    notes: list[str] = field(default_factory=list)
    #: inline SVG elements, already escaped (svg.py)
    charts: list[str] = field(default_factory=list)
    table: Table | None = None


def short_label(index: int, op_type: str) -> str:
    return f"{index} {op_type}"


def _count(n: int) -> str:
    return f"{n:,}" if n else ""


def ops_sections(graph: Graph, data: dict) -> tuple[Section, Section]:
    """MACs per layer (the page's top), and the op table (shapes, format, MACs, weight
    bytes; its end)."""
    rows = op_rows(graph)
    data["ops"] = [{"index": r.index, "type": r.type, "output": r.output, "shape": list(r.shape),
                    "format": r.fmt, "macs": r.macs, "weight_bytes": r.weight_bytes}
                   for r in rows]
    data["totals"] = graph_totals(graph)
    table = Table(["#", "op", "input shapes", "output shape", "format", "MACs", "weight bytes",
                   "origin"], [], numeric={0, 5, 6})
    for r, op in zip(rows, graph.ops):
        ins = ", ".join(str(list(graph.tensors[n].shape)) for n in op.inputs
                        if n is not None and not graph.tensors[n].is_const)
        table.rows.append([str(r.index), r.type, ins, str(list(r.shape)), r.fmt,
                           _count(r.macs), _count(r.weight_bytes), r.origin])
    totals = data["totals"]
    notes = [f"{totals['ops']} ops, {totals['macs']:,} MACs, {totals['weight_bytes']:,} weight "
             f"bytes, activation lower bound {totals['activation_lower_bound_bytes']:,} B"]
    labels = [short_label(r.index, r.type) for r in rows]
    chart = svg.bar_chart([r.macs for r in rows], labels, "MACs per layer", unit=" MACs")
    return (Section("ops", "MACs per layer", notes, [chart]),
            Section("op-table", "Ops, shapes, MACs and weights", [], [], table))


def memory_section(graph: Graph, data: dict) -> Section:
    """Live activation bytes per op of the generated code's arena, with its lower bound
    (the plan `edgesmith plan` prints, with its default options)."""
    from ..codegen.c_plan import plan_c_arena

    plan = plan_c_arena(graph, "optimal", inplace=True)
    data["memory"] = {"arena_bytes": plan.arena_bytes, "lower_bound_bytes": plan.lower_bound_bytes,
                      "ram_bytes": plan.ram_bytes, "strategy": plan.strategy,
                      "proven_optimal": plan.proven_optimal,
                      "steps": [{"op_index": i, "op_type": op.type, "live_bytes": live}
                                for i, (op, live) in enumerate(zip(graph.ops, plan.steps))]}
    proven = "proven optimal" if plan.proven_optimal else "not proven optimal"
    notes = [f"arena {plan.arena_bytes:,} B ({plan.strategy}, {proven}), lower bound "
             f"{plan.lower_bound_bytes:,} B, {len(plan.inplace_ops)} ops in place"]
    chart = svg.step_chart(
        {"live bytes": list(plan.steps)}, "Arena: live bytes per op", xlabel="op",
        lines=(svg.Line(plan.arena_bytes, "arena", svg.PALETTE[2], "2 3"),
               svg.Line(plan.lower_bound_bytes, "lower bound")))
    return Section("memory", "Memory timeline of the arena", notes, [chart])


def patch_section(graph: Graph, plan, data: dict) -> Section:
    """The patch plan (MCUNetV2): grid over the input, each patch's reads (the halo), and
    the live bytes of the patch-based schedule against the layer-based peak."""
    from ..codegen.c_patch_plan import c_patch_layout, c_patch_report, plan_c_patch_arena
    from ..memory.patch import patch_plan_to_json

    layout = c_patch_layout(graph, plan)
    code = c_patch_report(graph, layout, plan_c_patch_arena(layout))
    info = patch_plan_to_json(plan, windows=False)
    info.update(patches=len(plan.patches), generated_code_ram_bytes=code["ram_bytes"])
    data["patch"] = info
    notes = [plan.summary(),
             f"generated C code: RAM {code['ram_bytes']:,} B vs {code['layer_based_ram_bytes']:,}"
             f" B layer-based (crop buffers {code['crop_bytes']:,} B, tile buffer "
             f"{code['tile_bytes']:,} B)"]
    grid = svg.patch_grid(*_input_regions(graph, plan),
                          f"{plan.grid}x{plan.grid} patches over the input")
    timeline = svg.step_chart(
        {"live bytes": list(plan.arena.steps)},
        "Patch-based schedule: live bytes per step", xlabel="step (patch stage, then layers)",
        lines=(svg.Line(plan.peak_bytes, "peak", svg.PALETTE[2], "2 3"),
               svg.Line(plan.layer_based_peak_bytes, "layer-based peak")))
    return Section("patch", "Patch plan and halo", notes, [grid, timeline])


def _input_regions(graph: Graph, plan):
    """(input rows, cols), each patch's share of the input (its tile scaled from the split
    output) and the input rows/cols it reads; reads overlap by the halo."""
    _, rows, cols, _ = graph.tensors[graph.inputs[0]].shape
    _, out_rows, out_cols, _ = graph.tensors[plan.split_tensor].shape
    readers = [k for k, step in enumerate(plan.steps) if graph.inputs[0] in step.sources]
    tiles, reads = [], []
    for patch in plan.patches:
        (r0, r1), (c0, c1) = ((s.start, s.stop) for s in patch.tile)
        tiles.append(((r0 * rows / out_rows, r1 * rows / out_rows),
                      (c0 * cols / out_cols, c1 * cols / out_cols)))
        windows = [patch.ops[k] for k in readers]
        reads.append(((min(w.input_rows.start for w in windows),
                       max(w.input_rows.stop for w in windows)),
                      (min(w.input_cols.start for w in windows),
                       max(w.input_cols.stop for w in windows))))
    return (rows, cols), tiles, reads
