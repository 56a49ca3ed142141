"""The arena of patch-based generated C code: a patch plan as the C code runs it (MCUNetV2).

The planner's ``PatchPlan.peak_bytes`` (:mod:`edgesmith.memory.patch`)
assumes kernels that read a window straight out of a larger buffer and write
their tile straight into the assembled split output. The C reference kernels
take contiguous NHWC buffers, so the generated code needs more in two places,
both planned here:

* **crop**: where a stage op reads a region of a tensor that is not the
  whole window that tensor's buffer holds in this patch (the model input,
  cut per patch; a tensor two readers need over different regions, such as
  the residual input of an ``add``), the region is first copied into a
  contiguous crop buffer sized for its largest patch;
* **tile**: the split op writes its tile into a tile buffer, which is then
  copied into the assembled split output.

Depthwise convs run in place as the planner's do (``es_depthwise_conv2d_s8_inplace``,
:mod:`.c_plan`), over the window or crop buffer they read, with a scratch
buffer sized for the largest output window; the split op never runs in place.

:func:`c_patch_layout` builds the memory graph of one patch with these
copies as ops of their own (``copy_window``), so the arena planner sees every
byte the code uses; :func:`plan_c_patch_arena` plans it with the C code's
rules (:func:`~.c_plan.plan_c_arena`), and that plan is the arena the
patch-based code is generated with: ``CModel.plan.ram_bytes``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from ..ir import Graph, Op, Tensor
from ..memory import ArenaPlan
from ..memory.patch import PatchPlan, window_extents
from ..memory.patch_windows import Span
from .c_plan import plan_c_arena

#: op type of a window copy in the memory graph (never in place: rows move with a pitch)
COPY_OP = "copy_window"


@dataclass(frozen=True)
class CopyRegion:
    """Bytes one copy moves in one patch: ``rows`` rows of ``row_bytes`` bytes, row ``r``
    from ``from_offset + r * from_pitch`` to ``to_offset + r * to_pitch``."""

    from_offset: int
    from_pitch: int
    to_offset: int
    to_pitch: int
    rows: int
    row_bytes: int


@dataclass(frozen=True)
class WindowCopy:
    """A copy between a strided region and a contiguous buffer, one region per patch."""

    source: str
    target: str
    regions: tuple[CopyRegion, ...]

    @property
    def largest_bytes(self) -> int:
        return max(r.rows * r.row_bytes for r in self.regions)


@dataclass(frozen=True)
class CPatchLayout:
    """Where each stage op of the generated code reads and writes, and the memory graph."""

    plan: PatchPlan
    #: per stage step: the tensors its kernel reads (a crop buffer or the source's buffer),
    #: in the order of ``StageStep.sources``
    step_inputs: tuple[tuple[str, ...], ...]
    #: per stage step: the crops made just before it
    crops: tuple[tuple[WindowCopy, ...], ...]
    #: the split op's tile buffer and its copy into the assembled split output
    tile: WindowCopy
    memory_graph: Graph
    #: per op of the memory graph: the graph op it runs, or None for a window copy
    graph_ops: tuple[int | None, ...]

    @property
    def crop_bytes(self) -> int:
        """Bytes of every crop buffer (each sized for its largest patch)."""
        return sum(c.largest_bytes for step in self.crops for c in step)

    def in_graph_terms(self, arena: ArenaPlan) -> ArenaPlan:
        """``arena`` (of the memory graph) with its in-place ops numbered as the graph's ops."""
        ops = tuple(replace(r, op_index=self.graph_ops[r.op_index]) for r in arena.inplace_ops)
        return replace(arena, inplace_ops=ops)


def c_patch_layout(graph: Graph, plan: PatchPlan) -> CPatchLayout:
    """The crops, the tile and the memory graph of ``plan``'s generated code."""
    model_input, split_output = graph.inputs[0], plan.split_tensor
    _, in_height, in_width, _ = graph.tensors[model_input].shape
    # per patch: the region of each stage tensor its buffer holds (model input: all of it)
    stored = [{model_input: (Span(0, in_height), Span(0, in_width))} for _ in plan.patches]
    for patch, held in zip(plan.patches, stored):
        for step, window in zip(plan.steps, patch.ops):
            held[step.output] = (window.output_rows, window.output_cols)
    tensors = dict(graph.tensors)
    # window buffers: each sized for its largest window over the patches, as the planner does
    for name, (rows, cols) in window_extents(list(plan.steps), plan.patches).items():
        t = graph.tensors[name]
        tensors[name] = Tensor(name, (1, rows, cols, t.shape[3]), t.dtype, t.fmt)
    ops, graph_ops, step_inputs, crops = [], [], [], []
    for k, step in enumerate(plan.steps):
        reads, step_crops = [], []
        for source in step.sources:
            copy = _crop(graph, plan, k, source, stored)
            if copy is None:
                reads.append(source)
                continue
            if copy.target not in tensors:
                tensors[copy.target] = _buffer(copy.target, graph.tensors[source], copy)
                ops.append(Op(COPY_OP, [source], [copy.target], {}, f"crop for op {step.op_index}"))
                graph_ops.append(None)
                step_crops.append(copy)
            reads.append(copy.target)
        op = graph.ops[step.op_index]
        inputs = kernel_inputs(graph, op, reads)  # constants kept: they choose the kernel
        if k < len(plan.steps) - 1:
            ops.append(Op(op.type, inputs, [step.output], dict(op.attrs), op.origin))
        else:  # the split op also holds the model input to the end, and is never in place:
            # its tile would overwrite an input the next patch reads (the planner's rule too)
            ops.append(Op(op.type + _WRITES_TILE, inputs + [model_input],
                          [f"{split_output}:tile"], dict(op.attrs), op.origin))
        graph_ops.append(step.op_index)
        step_inputs.append(tuple(reads))
        crops.append(tuple(step_crops))
    tile = _tile(graph, plan)
    tensors[tile.source] = _buffer(tile.source, graph.tensors[split_output], tile)
    ops.append(Op(COPY_OP, [tile.source], [split_output], {}, "tile into the split output"))
    ops[0].outputs.append(split_output)  # assembled from the first patch on: live from the start
    ops += graph.ops[plan.split + 1:]
    graph_ops += [None] + list(range(plan.split + 1, len(graph.ops)))
    memory = Graph(f"{graph.name}.patched_c", tensors, ops, list(graph.inputs),
                   list(graph.outputs))
    return CPatchLayout(plan, tuple(step_inputs), tuple(crops), tile, memory, tuple(graph_ops))


_WRITES_TILE = ":writes-tile"  # an op type no planner runs in place


def kernel_inputs(graph: Graph, op: Op, reads) -> list[str | None]:
    """``op``'s inputs with its activations, in order, replaced by the buffers in ``reads``
    (a stage step's crop or source buffers); constants and absent inputs stay."""
    reads = iter(reads)
    return [next(reads) if n is not None and not graph.tensors[n].is_const else n
            for n in op.inputs]


def _crop(graph: Graph, plan: PatchPlan, k: int, source: str,
          stored: list[dict]) -> WindowCopy | None:
    """The crop step ``k`` needs of ``source``, or None when every patch reads the whole
    region the source's buffer holds (then the kernel reads that buffer itself)."""
    channels = graph.tensors[source].shape[3] * graph.tensors[source].itemsize
    regions, needed = [], False
    for patch, held in zip(plan.patches, stored):
        window = patch.ops[k]
        rows, cols = held[source]
        needed |= (window.input_rows, window.input_cols) != (rows, cols)
        regions.append(CopyRegion(
            from_offset=((window.input_rows.start - rows.start) * cols.size
                         + window.input_cols.start - cols.start) * channels,
            from_pitch=cols.size * channels, to_offset=0,
            to_pitch=window.input_cols.size * channels, rows=window.input_rows.size,
            row_bytes=window.input_cols.size * channels))
    if not needed:
        return None
    return WindowCopy(source, f"{source}:crop@op{plan.steps[k].op_index}", tuple(regions))


def _tile(graph: Graph, plan: PatchPlan) -> WindowCopy:
    _, _, width, channels = graph.tensors[plan.split_tensor].shape
    channels *= graph.tensors[plan.split_tensor].itemsize
    regions = tuple(CopyRegion(from_offset=0, from_pitch=cols.size * channels,
                               to_offset=(rows.start * width + cols.start) * channels,
                               to_pitch=width * channels, rows=rows.size,
                               row_bytes=cols.size * channels)
                    for rows, cols in (p.tile for p in plan.patches))
    return WindowCopy(f"{plan.split_tensor}:tile", plan.split_tensor, regions)


def _buffer(name: str, like: Tensor, copy: WindowCopy) -> Tensor:
    """A contiguous buffer of ``like``'s format holding the copy's largest region."""
    pixels = copy.largest_bytes // (like.shape[3] * like.itemsize)
    return Tensor(name, (1, 1, pixels, like.shape[3]), like.dtype, like.fmt)


def plan_c_patch_arena(layout: CPatchLayout, strategy: str = "optimal", *,
                       inplace: bool = True, time_limit_s: float = 10) -> ArenaPlan:
    """The arena of the generated patch-based code (checked like any arena plan)."""
    return plan_c_arena(layout.memory_graph, strategy, inplace=inplace,
                        time_limit_s=time_limit_s)


def c_patch_report(graph: Graph, layout: CPatchLayout, arena: ArenaPlan,
                   strategy: str = "optimal") -> dict:
    """The generated code's RAM beside the planner's, and why the two differ (JSON-ready).
    ``arena`` is :func:`plan_c_patch_arena`'s plan of ``layout``."""
    plan = layout.plan
    layer_based = plan_c_arena(graph, strategy)
    in_place = {r.output for r in arena.inplace_ops}
    depthwise = [s.output for s in plan.steps if graph.ops[s.op_index].type == "depthwise_conv2d"]
    out_of_place = sum(1 for output in depthwise if output not in in_place)
    return {
        "ram_bytes": arena.ram_bytes, "layer_based_ram_bytes": layer_based.ram_bytes,
        "ram_ratio": round(arena.ram_bytes / layer_based.ram_bytes, 4),
        "planner_peak_bytes": plan.peak_bytes, "crop_bytes": layout.crop_bytes,
        "tile_bytes": layout.tile.largest_bytes,
        "stage_depthwise_in_place": len(depthwise) - out_of_place,
        "stage_depthwise_out_of_place": out_of_place,
        "strategy": arena.strategy, "proven_optimal": arena.proven_optimal,
        "why_it_differs": "the C kernels read contiguous windows (crop buffers) and write the "
                          "split tile into a tile buffer; depthwise convs run in place where the "
                          "planner's rules allow it on these buffers (never the split op)",
    }
