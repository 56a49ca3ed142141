"""Commands for firmware: `generate c` and `plan` (the arena of the generated code)."""

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
)
from .model_cmds import MODEL_ARG, WEIGHTS_OPTION, load_cli_model

generate_app = typer.Typer(help="Generate code for a target from a model.", no_args_is_help=True)

STRATEGY_OPTION = typer.Option("optimal", "--strategy",
                               help="Arena placement: greedy or optimal (CP-SAT from greedy).")
NO_INPLACE_OPTION = typer.Option(False, "--no-inplace", help="Run no op in place.")
NAME_OPTION = typer.Option(None, "--name", help="C name of the model (default: from the model).")
PATCH_OPTION = typer.Option(None, "--patch",
                            help="Patch-based inference (MCUNetV2): 'auto' (lowest peak RAM) "
                                 "or SPLIT:N (ops 0..SPLIT on NxN patches).")
BUDGET_OPTION = typer.Option(None, "--budget-kb", min=0,
                             help="With --patch: fail unless the RAM fits in this many KiB.")
MAX_EXTRA_MACS_OPTION = typer.Option(None, "--max-extra-macs", min=0,
                                     help="With --patch: at most this many percent more MACs.")
CORE_OPTION = typer.Option("generic", "--core",
                           help="The core the folder is for (a board file's core, or generic): "
                                "decides its kernel set.")
KERNELS_OPTION = typer.Option(None, "--kernels",
                              help="C kernel set: fast (default), mve (Helium, the "
                                   "default on a Cortex-M55) or reference (the readable "
                                   "specification, slower).")
OPTIMIZE_OPTION = typer.Option(None, "--optimize",
                               help="Weight layouts of the fast kernels: speed (int16, about "
                                    "twice the weight flash) or size (int8); default: the "
                                    "fastest that fits the board's flash (speed without a board).")
TARGETS = ("host",)


def kernel_set_name(core: str, kernels: str | None) -> str:
    """The kernel set of `generate c --core CORE --kernels SET` (codegen.c_kernel_sets)."""
    from ..boards.registry import CORES
    from ..codegen.c_kernel_sets import GENERIC_CORE, kernel_set_for

    if core not in (*CORES, GENERIC_CORE):
        raise EdgesmithError(f"unknown core {core!r}; choose one of "
                             f"{', '.join((*CORES, GENERIC_CORE))}")
    return kernel_set_for(core, requested=kernels)


def strategy_name(strategy: str) -> str:
    from ..memory import STRATEGIES

    if strategy not in STRATEGIES:
        raise EdgesmithError(f"unknown strategy {strategy!r}; choose one of "
                             f"{', '.join(sorted(STRATEGIES))}")
    return strategy


def layouts_json(layers) -> list[dict]:
    """Each conv/dense layer's weight layout and flash bytes (codegen.c_layouts)."""
    return [{"op_index": x.index, "name": x.name, "layout": x.layout, "macs": x.macs,
             "int8_bytes": x.int8_bytes, "int16_bytes": x.int16_bytes} for x in layers]


def _inplace_json(plan) -> list[dict]:
    return [{"op_index": r.op_index, "op_type": r.op_type, "input": r.input,
             "output": r.output} for r in plan.inplace_ops]


# -- generate c ---------------------------------------------------------------------------
@generate_app.command("c")
def generate_c_model(model: Path = MODEL_ARG,
                     output: Path = typer.Option(..., "--output", "-o",
                                                 help="Folder to write (replaced if generated "
                                                      "before)."),
                     name: str | None = NAME_OPTION, strategy: str = STRATEGY_OPTION,
                     no_inplace: bool = NO_INPLACE_OPTION, weights: Path | None = WEIGHTS_OPTION,
                     patch: str | None = PATCH_OPTION, budget_kb: float | None = BUDGET_OPTION,
                     max_extra_macs: float | None = MAX_EXTRA_MACS_OPTION,
                     core: str = CORE_OPTION, kernels: str | None = KERNELS_OPTION,
                     optimize: str | None = OPTIMIZE_OPTION,
                     as_json: bool = JSON_OPTION) -> None:
    """C99 firmware code: a self-contained folder (model, weights, runtime kernels, CMake)."""
    _generate(model, output, name, strategy, no_inplace, weights, (patch, budget_kb,
                                                                   max_extra_macs),
              as_json=as_json, core=core, kernels=kernels, optimize=optimize)


def requested_patch_plan(graph, patch: str, budget_kb: float | None,
                         max_extra_macs: float | None):
    """The patch plan that --patch (with --budget-kb and --max-extra-macs) asks for."""
    from ..memory.patch_search import plan_patches_from_spec

    return plan_patches_from_spec(
        graph, patch, budget_bytes=None if budget_kb is None else int(budget_kb * 1024),
        max_extra_macs_pct=max_extra_macs)


def carried_mixed_model(graph, patch: str | None):
    """The mixed-precision patch model an .esm carries (`edgesmith quantize-mixed`), if any."""
    from ..quant.mixed_patch import mixed_model_of

    mixed = mixed_model_of(graph)
    if mixed is not None and patch is not None:
        raise EdgesmithError("this model carries its own mixed-precision patch plan (split op "
                             f"{mixed.plan.split}, {mixed.plan.grid}x{mixed.plan.grid}); --patch "
                             "would replace it", hint="drop --patch")
    return mixed


def _check_code_budget(ram_bytes: int, budget_kb: float | None, peak_bytes: int) -> None:
    """The budget holds for the RAM the generated code uses, not only the planner's peak."""
    if budget_kb is not None and ram_bytes > int(budget_kb * 1024):
        raise EdgesmithError(f"the patch plan's peak ({peak_bytes:,} B) fits in {budget_kb:g} "
                             f"KiB, but the generated C code needs {ram_bytes:,} B (crop and "
                             "tile buffers; depthwise convs the C kernels cannot run in place)",
                             hint="raise the budget, or try another --patch SPLIT:N")


@handle_errors()
def _generate(model: Path, output: Path, name: str | None, strategy: str, no_inplace: bool,
              weights: Path | None, patching: tuple, *, as_json: bool, core: str = "generic",
              kernels: str | None = None, optimize: str | None = None) -> None:
    from ..codegen import generate_c
    from ..codegen.c_layouts import check_optimize, layout_lines
    from ..codegen.c_patch import generate_patched_c
    from ..codegen.c_plan import plan_c_arena
    from ..memory.patch import patch_plan_to_json

    check_output_folder(output)
    remove_stale_staging(output)  # what a killed earlier run left beside it
    graph = load_cli_model(model, weights)
    from ..trees.graph import is_tree_graph
    if is_tree_graph(graph):  # trees have their own code form (cli/tree_cmds.py)
        from .tree_cmds import generate_trees_c
        return generate_trees_c(graph, model, output, name, as_json=as_json)
    patch, budget_kb, max_extra_macs = patching
    options = {"name": name, "strategy": strategy_name(strategy), "inplace": not no_inplace,
               "model_path": model, "kernel_set": kernel_set_name(core, kernels)}
    mixed = carried_mixed_model(graph, patch)
    if mixed is not None:  # its patch stage carries both branches (QuantMCU)
        patch, patch_plan = "mixed", mixed.plan
        result = generate_c(graph, output, mixed=mixed, **options)
        _check_code_budget(result.model.plan.ram_bytes, budget_kb, patch_plan.peak_bytes)
    elif patch is None:
        result = generate_c(graph, output, optimize=check_optimize(optimize), **options)
    else:
        patch_plan = requested_patch_plan(graph, patch, budget_kb, max_extra_macs)
        result = generate_patched_c(graph, patch_plan, output, **options)
        _check_code_budget(result.model.plan.ram_bytes, budget_kb, patch_plan.peak_bytes)
    m, plan = result.model, result.model.plan
    info = {"model": str(model), "name": m.name, "folder": str(result.folder),
            "arena_bytes": plan.arena_bytes, "lower_bound_bytes": plan.lower_bound_bytes,
            "strategy": plan.strategy, "proven_optimal": plan.proven_optimal,
            "inplace_ops": _inplace_json(plan), "weights_bytes": m.weights_bytes,
            "params_bytes": m.params_bytes, "code_bytes": sum(result.model_files.values()),
            "kernel_set": m.kernel_set, "layouts": layouts_json(m.layouts),
            "runtime_bytes": result.runtime_bytes, "files": result.files}
    if patch is not None:
        info["patch"] = {k: v for k, v in patch_plan_to_json(patch_plan, windows=False).items()
                         if k != "window_bytes"}
        layer_based = plan_c_arena(graph, options["strategy"], inplace=not no_inplace)
        info["patch"]["layer_based_code_ram_bytes"] = layer_based.ram_bytes
    if mixed is not None:
        info["mixed"] = {"threshold": mixed.threshold, "input_zero_point": mixed.input_zero_point,
                         "low_bit_widths": mixed.widths()}
    if as_json:
        emit_json(info)
        return
    console.print(f"wrote {result.folder} ({m.name}: {m.num_ops} ops, "
                  f"{len(m.kernel_sources)} runtime kernels, {m.kernel_set} set)")
    if patch is not None:
        console.print(patch_plan.summary())
        if mixed is not None:
            widths = "/".join(str(b) for b in mixed.widths().values())
            console.print(f"mixed precision (QuantMCU): a patch whose input holds |q - "
                          f"{mixed.input_zero_point}| > {mixed.threshold} runs 8-bit, the others "
                          f"low-bit (feature-map bits {widths}); {m.name}_patch_branches() "
                          "tells which")
        if plan.ram_bytes >= layer_based.ram_bytes:
            say("note", "yellow", ": this patch-based code needs more RAM than "
                          f"layer-based code would ({human_bytes(layer_based.ram_bytes)}); "
                          "see `edgesmith plan MODEL --patch ...`")
    state = f", state {human_bytes(plan.state_bytes)} beside it" if plan.state_bytes else ""
    console.print(f"RAM   arena {human_bytes(plan.arena_bytes)} ({plan.strategy}"
                  f"{', proven optimal' if plan.proven_optimal else ''}), lower bound "
                  f"{human_bytes(plan.lower_bound_bytes)}, {len(plan.inplace_ops)} ops in place"
                  f"{state}")
    console.print(f"flash weights {human_bytes(m.weights_bytes)}, parameter arrays "
                  f"{human_bytes(m.params_bytes)}")
    if m.layouts:
        console.print("\n".join(layout_lines(m.layouts)), highlight=False)
    files = ", ".join(f"{k} {human_bytes(v)}" for k, v in result.model_files.items()
                      if k.endswith((".c", ".h")))
    console.print(f"code  {files}; runtime {human_bytes(result.runtime_bytes)}")


# -- plan ---------------------------------------------------------------------------------
def plan_model(model: Path = MODEL_ARG, strategy: str = STRATEGY_OPTION,
               no_inplace: bool = NO_INPLACE_OPTION, weights: Path | None = WEIGHTS_OPTION,
               patch: str | None = PATCH_OPTION, budget_kb: float | None = BUDGET_OPTION,
               max_extra_macs: float | None = MAX_EXTRA_MACS_OPTION,
               as_json: bool = JSON_OPTION) -> None:
    """The static arena of the generated C code: size, lower bound, live bytes per op;
    with --patch, the patch plan and the RAM of the patch-based code."""
    if patch is not None:
        _plan_patched(model, strategy, no_inplace, weights, (patch, budget_kb, max_extra_macs),
                      as_json=as_json)
    else:
        _plan(model, strategy, no_inplace, weights, as_json=as_json)


@handle_errors()
def _plan_patched(model: Path, strategy: str, no_inplace: bool, weights: Path | None,
                  patching: tuple, *, as_json: bool) -> None:
    from ..codegen.c_patch_plan import c_patch_layout, c_patch_report, plan_c_patch_arena
    from ..memory.patch import patch_plan_to_json

    graph = load_cli_model(model, weights)
    from ..trees.graph import is_tree_graph
    if is_tree_graph(graph):  # trees have their own code form (cli/tree_cmds.py)
        from .tree_cmds import generate_trees_c
        return generate_trees_c(graph, model, output, name, as_json=as_json)
    patch, budget_kb, max_extra_macs = patching
    plan = requested_patch_plan(graph, patch, budget_kb, max_extra_macs)
    layout = c_patch_layout(graph, plan)
    arena = plan_c_patch_arena(layout, strategy_name(strategy), inplace=not no_inplace)
    code = c_patch_report(graph, layout, arena, strategy_name(strategy))
    _check_code_budget(arena.ram_bytes, budget_kb, plan.peak_bytes)
    if as_json:
        emit_json({"model": str(model), **patch_plan_to_json(plan), "generated_code": code})
        return
    console.print(plan.summary())
    console.print(f"generated C code: RAM {human_bytes(code['ram_bytes'])} vs "
                  f"{human_bytes(code['layer_based_ram_bytes'])} layer-based "
                  f"({code['ram_ratio']:.2f}x), planner peak {plan.peak_bytes:,} B; the code "
                  f"adds crop buffers ({code['crop_bytes']:,} B), a tile buffer "
                  f"({code['tile_bytes']:,} B); {code['stage_depthwise_in_place']} depthwise "
                  f"convs run in place, {code['stage_depthwise_out_of_place']} out of place")


@handle_errors()
def _plan(model: Path, strategy: str, no_inplace: bool, weights: Path | None, *,
          as_json: bool) -> None:
    from ..codegen.c_plan import out_of_place_op_types, plan_c_arena

    graph = load_cli_model(model, weights)
    plan = plan_c_arena(graph, strategy_name(strategy), inplace=not no_inplace)
    info = {"model": str(model), "arena_bytes": plan.arena_bytes, "io_bytes": plan.io_bytes,
            "ram_bytes": plan.ram_bytes, "lower_bound_bytes": plan.lower_bound_bytes,
            "strategy": plan.strategy, "proven_optimal": plan.proven_optimal,
            "alignment": plan.alignment, "inplace_ops": _inplace_json(plan),
            "out_of_place_op_types": [] if no_inplace else out_of_place_op_types(graph),
            "steps": [{"op_index": i, "op_type": op.type, "live_bytes": live}
                      for i, (op, live) in enumerate(zip(graph.ops, plan.steps))],
            "offsets": dict(plan.offsets), "state_bytes": plan.state_bytes,
            "state_offsets": dict(plan.state_offsets)}
    if as_json:
        emit_json(info)
        return
    table = Table(title=f"{graph.name}: live activation bytes per op", show_lines=False)
    for col, justify in (("#", "right"), ("op", "left"), ("live", "right"), ("", "left")):
        table.add_column(col, justify=justify)
    inplace = {r.op_index for r in plan.inplace_ops}
    peak = max(plan.steps, default=0) or 1
    for step in info["steps"]:
        bar = "#" * round(20 * step["live_bytes"] / peak)
        mark = " (in place)" if step["op_index"] in inplace else ""
        table.add_row(str(step["op_index"]), step["op_type"] + mark,
                      f"{step['live_bytes']:,}", bar)
    console.print(table)
    proven = ", proven optimal" if plan.proven_optimal else ", not proven optimal"
    console.print(f"arena {human_bytes(plan.arena_bytes)} ({plan.strategy}{proven}), lower bound "
                  f"{human_bytes(plan.lower_bound_bytes)}, {len(plan.inplace_ops)} ops in place")
    if plan.state_offsets:
        console.print(f"state {human_bytes(plan.state_bytes)} outside the arena, kept across "
                      f"invocations (RAM {human_bytes(plan.ram_bytes)} in all):")
        for name, offset in plan.state_offsets.items():
            console.print(f"  {name}: offset {offset:,}, "
                          f"{human_bytes(graph.tensors[name].nbytes)}", highlight=False)
    if info["out_of_place_op_types"]:
        console.print("kept out of place (the C kernel cannot run in place): "
                      + ", ".join(info["out_of_place_op_types"]))
