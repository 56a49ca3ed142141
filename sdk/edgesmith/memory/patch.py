"""Patch-based inference plans (MCUNetV2): split op, grid, windows, extra MACs and peak SRAM.

A :class:`PatchPlan` runs ops ``0..split`` (the patch stage, see
:mod:`.patch_windows`) once per cell of an ``n x n`` grid over the split
op's output, then the rest of the graph layer by layer.

Peak SRAM (``peak_bytes``) is the ``ram_bytes`` of one static arena planned
by :func:`~.planner.plan_arena` (strategy ``"optimal"``, in-place ops allowed,
16-byte alignment, inputs and outputs in the arena) for the graph as patch
execution runs it (:func:`patched_memory_graph`):

* the model input is held for the whole patch stage (every patch reads it);
* the split op's full output is live from the first patch on, being assembled;
* each other tensor of the stage is one buffer sized for its largest window
  over all patches (a static arena must fit every patch), live within a
  patch from the op that writes it to the last op that reads it; the first
  op reads its window straight from the held input and the split op writes
  its tile straight into the assembled output (so never over its input);
* after the stage, the rest of the graph exactly as the layer-based plan has it.

``layer_based_peak_bytes`` is ``plan_arena(graph, "optimal", inplace=True).ram_bytes``,
counted the same way, so the two numbers compare like for like. Both assume
the planner's in-place rules (:mod:`.inplace`, depthwise convs included); the
generated C code keeps them but adds crop and tile buffers, so it may need more
(:mod:`edgesmith.codegen.c_patch_plan`).

``extra_macs`` is the sum over patches of each stage op's MACs on the region it
computes, minus the layer-based MACs of those ops; ``extra_macs_pct`` relates
it to the MACs of the whole model.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise

from ..ir import Graph, Op, Tensor
from ..report.metrics import op_macs, total_macs
from .lifetimes import live_per_step
from .patch_windows import Patch, Span, StageStep, patch_windows, stage_steps
from .planner import ArenaPlan, plan_arena, plan_buffers

#: strategy and options of every arena planned here, layer-based and patch-based alike
PLAN_OPTIONS = {"strategy": "optimal", "inplace": True, "inputs_in_arena": True, "alignment": 16}


@dataclass(frozen=True)
class PatchPlan:
    graph_name: str
    #: index of the op whose output ends the patch stage
    split: int
    split_tensor: str
    #: the split output is cut into grid x grid tiles
    grid: int
    steps: tuple[StageStep, ...]
    #: every patch with its windows through the stage, row-major
    patches: tuple[Patch, ...]
    #: rows and columns of the model input that neighbouring patches both read
    halo: tuple[int, int]
    #: bytes of the buffer each intermediate stage tensor gets (its largest window)
    window_bytes: dict[str, int]
    peak_bytes: int
    layer_based_peak_bytes: int
    #: largest live bytes (unaligned) during the patch stage and during the rest
    stage_live_bytes: int
    rest_live_bytes: int
    #: layer-based MACs of the whole model, and the MACs patching adds
    macs: int
    extra_macs: int
    arena: ArenaPlan

    @property
    def extra_macs_pct(self) -> float:
        return 100.0 * self.extra_macs / self.macs if self.macs else 0.0

    def summary(self) -> str:
        return (f"patch stage ops 0..{self.split} on {self.grid}x{self.grid} patches, halo {self.halo[0]} rows / {self.halo[1]} cols of the input: "
                f"peak {self.peak_bytes:,} B vs {self.layer_based_peak_bytes:,} B layer-based "
                f"({self.peak_bytes / self.layer_based_peak_bytes:.2f}x), "
                f"extra MACs {self.extra_macs:,} (+{self.extra_macs_pct:.1f}%)")


def layer_based_peak(graph: Graph, time_limit_s: float = 10) -> int:
    """RAM of the layer-based arena, counted as :class:`PatchPlan` counts ``peak_bytes``."""
    return plan_arena(graph, time_limit_s=time_limit_s, **PLAN_OPTIONS).ram_bytes


def extra_macs(graph: Graph, patches: tuple[Patch, ...]) -> int:
    """MACs the patches compute beyond the layer-based MACs of the stage ops."""
    extra = 0
    for k, window in enumerate(patches[0].ops):
        op = graph.ops[window.op_index]
        _, height, width, _ = graph.tensors[op.outputs[0]].shape
        macs = op_macs(graph, op)
        per_position = macs // (height * width)
        computed = sum(p.ops[k].output_rows.size * p.ops[k].output_cols.size for p in patches)
        extra += computed * per_position - macs
    return extra


def window_extents(steps: list[StageStep], patches: tuple[Patch, ...]) -> dict[str, tuple[int, int]]:
    """Largest (rows, cols) of every intermediate stage tensor's window over all patches."""
    extents = {}
    for k, step in enumerate(steps[:-1]):
        extents[step.output] = (max(p.ops[k].output_rows.size for p in patches),
                                max(p.ops[k].output_cols.size for p in patches))
    return extents


def patched_memory_graph(graph: Graph, steps: list[StageStep], patches: tuple[Patch, ...]
                         ) -> Graph:
    """``graph`` as patch execution uses memory: what the arena planner should see.

    The stage ops become one patch's ops on window-sized tensors; the first
    also writes the split output (assembled from the first patch on), the last
    also reads the model input (held until the last patch is done) and writes
    a tile of the split output, not over its input. Only lifetimes, sizes and
    in-place rules matter to the planner, so constants are left out.
    """
    tensors = dict(graph.tensors)
    for name, (rows, cols) in window_extents(steps, patches).items():
        t = graph.tensors[name]
        tensors[name] = Tensor(name, (1, rows, cols, t.shape[3]), t.dtype, t.fmt)
    split_output, model_input = steps[-1].output, graph.inputs[0]
    ops = []
    for k, step in enumerate(steps):
        op = graph.ops[step.op_index]
        op_type, inputs, outputs = op.type, list(step.sources), [step.output]
        if k == 0 and step.output != split_output:
            outputs.append(split_output)
        if k == len(steps) - 1:
            inputs.append(model_input)
            op_type += _WRITES_TILE  # an unknown type: the planner never runs it in place
        ops.append(Op(op_type, inputs, outputs, dict(op.attrs), op.origin))
    ops += graph.ops[steps[-1].op_index + 1:]
    return Graph(f"{graph.name}.patched", tensors, ops, list(graph.inputs), list(graph.outputs))


_WRITES_TILE = ":writes-tile"


def _halo(graph: Graph, steps: list[StageStep], patches: tuple[Patch, ...], grid: int
          ) -> tuple[int, int]:
    """Rows and columns of the model input read by two neighbouring patches."""
    readers = [k for k, step in enumerate(steps) if graph.inputs[0] in step.sources]

    def read(patch: Patch, axis: str) -> Span:
        spans = [getattr(patch.ops[k], f"input_{axis}") for k in readers]
        return Span(min(s.start for s in spans), max(s.stop for s in spans))

    rows = [read(patches[i * grid], "rows") for i in range(grid)]
    cols = [read(patches[j], "cols") for j in range(grid)]
    return (max((a.stop - b.start for a, b in pairwise(rows)), default=0),
            max((a.stop - b.start for a, b in pairwise(cols)), default=0))


@dataclass(frozen=True)
class PatchCandidate:
    """A split and grid with everything but the arena: cheap to make, for searching."""

    split: int
    grid: int
    steps: list[StageStep]
    patches: tuple[Patch, ...]
    extra_macs: int
    memory_graph: Graph
    #: no arena for this candidate can be smaller: the largest bytes live at one step,
    #: in-place ops counted
    bound_bytes: int


def patch_candidate(graph: Graph, split: int, grid: int) -> PatchCandidate:
    steps = stage_steps(graph, split)
    patches = patch_windows(graph, steps, grid)
    memory_graph = patched_memory_graph(graph, steps, patches)
    arena, io, _ = plan_buffers(memory_graph, inplace=PLAN_OPTIONS["inplace"],
                                inputs_in_arena=PLAN_OPTIONS["inputs_in_arena"])
    bound = max(live_per_step(b.segments for b in arena + io))
    return PatchCandidate(split, grid, steps, patches, extra_macs(graph, patches), memory_graph,
                          bound)


def finish_plan(graph: Graph, candidate: PatchCandidate, layer_based_peak_bytes: int,
                time_limit_s: float = 10) -> PatchPlan:
    """The plan of ``candidate``, with its arena planned."""
    arena = plan_arena(candidate.memory_graph, time_limit_s=time_limit_s, **PLAN_OPTIONS)
    steps = candidate.steps
    window_bytes = {step.output: candidate.memory_graph.tensors[step.output].nbytes
                    for step in steps[:-1]}
    return PatchPlan(
        graph_name=graph.name, split=candidate.split, split_tensor=steps[-1].output,
        grid=candidate.grid, steps=tuple(steps), patches=candidate.patches,
        halo=_halo(graph, steps, candidate.patches, candidate.grid), window_bytes=window_bytes,
        peak_bytes=arena.ram_bytes, layer_based_peak_bytes=layer_based_peak_bytes,
        stage_live_bytes=max(arena.steps[:len(steps)]),
        rest_live_bytes=max(arena.steps[len(steps):], default=0),
        macs=total_macs(graph), extra_macs=candidate.extra_macs, arena=arena)


def plan_patches(graph: Graph, split: int, grid: int, *, time_limit_s: float = 10) -> PatchPlan:
    """The patch plan running ops ``0..split`` on ``grid x grid`` patches."""
    return finish_plan(graph, patch_candidate(graph, split, grid),
                       layer_based_peak(graph, time_limit_s), time_limit_s)


def _span(span) -> list[int]:
    return [span.start, span.stop]


def patch_plan_to_json(plan: PatchPlan, *, windows: bool = True) -> dict:
    """A JSON-ready dict of ``plan``; ``windows`` adds every patch's windows per op."""
    info = {
        "graph": plan.graph_name, "split": plan.split, "split_tensor": plan.split_tensor,
        "grid": plan.grid, "stage_ops": [s.op_index for s in plan.steps],
        "folded_pads": [s.folded_pad for s in plan.steps if s.folded_pad is not None],
        "peak_bytes": plan.peak_bytes, "layer_based_peak_bytes": plan.layer_based_peak_bytes,
        "peak_ratio": round(plan.peak_bytes / plan.layer_based_peak_bytes, 4),
        "stage_live_bytes": plan.stage_live_bytes, "rest_live_bytes": plan.rest_live_bytes,
        "macs": plan.macs, "extra_macs": plan.extra_macs,
        "extra_macs_pct": round(plan.extra_macs_pct, 3), "halo": list(plan.halo),
        "window_bytes": dict(plan.window_bytes), "proven_optimal": plan.arena.proven_optimal,
    }
    if windows:
        info["patches"] = [
            {"row": p.row, "col": p.col, "tile": [_span(s) for s in p.tile],
             "ops": [{"op_index": w.op_index, "input_rows": _span(w.input_rows),
                      "input_cols": _span(w.input_cols), "output_rows": _span(w.output_rows),
                      "output_cols": _span(w.output_cols), "pads": list(w.pads)}
                     for w in p.ops]}
            for p in plan.patches]
    return info
