"""The patch stage of a graph and the exact window of every patch through it (MCUNetV2).

Patch-based inference runs the first ops of a CNN, the *patch stage* (ops
``0..split``), on one spatial patch at a time: the split op's output is cut
into an ``n x n`` grid of tiles, and each tile is computed from just the part
of every earlier tensor it depends on.

Window math, per axis (rows and columns alike): an op with kernel ``k``,
stride ``s``, dilation ``d`` and padding ``p`` before the image computes
output positions ``[a, b)`` from input positions
``[a*s - p, (b-1)*s - p + (k-1)*d + 1)``. Positions outside ``[0, size)``
are padding: the window is clipped to the image and the clipped amount
becomes the patch op's padding on that side. So a patch op pads only where
its window meets a true image border; elsewhere the window reads real data
computed by the same patch (the halo). Run on the clipped window with those
pads, the kernel yields exactly ``b - a`` outputs (``conv_out_size``), and
every tap reads the value it reads in the full op, so the outputs are equal.

Working backwards from a tile, a tensor's window is the bounding box of the
regions its readers in the stage need; a tensor read by two ops (a residual
branch and the ``add`` that joins it) is computed over the larger region and
each reader crops its own part.

Spatially local ops: conv2d, depthwise_conv2d, average and max pooling, pad
(spatial only), single-input activations and (re)quantization, and ``add``,
``mul`` and channel ``concat`` of same-shaped activations (constant operands
without spatial extent). A ``pad`` whose only reader is a conv2d or
depthwise_conv2d of the stage is folded into that op's padding: padding with
the zero point (0.0 for floats) is exactly what the conv kernels do at
borders, so the folded op gives the same values without a padded buffer.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import NamedTuple

from ..errors import UnsupportedError
from ..ir import Graph, Op, op_def, with_defaults
from ..ir.ops import conv_out_size



class Span(NamedTuple):
    """Positions ``[start, stop)`` along one axis."""

    start: int
    stop: int

    @property
    def size(self) -> int:
        return self.stop - self.start

    def union(self, other: Span | None) -> Span:
        return self if other is None else Span(min(self.start, other.start),
                                               max(self.stop, other.stop))


@dataclass(frozen=True)
class AxisGeometry:
    """How an op maps output positions to input positions along one axis."""

    kernel: int = 1
    stride: int = 1
    dilation: int = 1
    pad_before: int = 0

    def input_span(self, out: Span, size: int) -> tuple[Span, int, int]:
        """The input positions ``out`` reads, clipped to ``[0, size)``, and the padding
        (before, after) that the clipped window needs."""
        first = out.start * self.stride - self.pad_before
        stop = (out.stop - 1) * self.stride - self.pad_before + (self.kernel - 1) * self.dilation + 1
        window = Span(max(first, 0), min(stop, size))
        before, after = window.start - first, stop - window.stop
        if window.size <= 0 or conv_out_size(window.size, self.kernel, self.stride, self.dilation,
                                             before, after) != out.size:
            raise UnsupportedError(f"output positions {tuple(out)} read only padding")
        return window, before, after


@dataclass(frozen=True)
class StageStep:
    """One op of the patch stage, as every patch runs it."""

    op_index: int
    #: activation inputs as the op names them
    inputs: tuple[str, ...]
    #: where their data comes from: the same tensors, or the input of a folded pad
    sources: tuple[str, ...]
    output: str
    rows: AxisGeometry
    cols: AxisGeometry
    #: index of the pad op folded into this op's padding, else None
    folded_pad: int | None = None


@dataclass(frozen=True)
class OpWindow:
    """One stage op on one patch: the input region it reads (every activation input
    alike), the output region it computes, and its padding (top, bottom, left,
    right), non-zero only on true image borders."""

    op_index: int
    input_rows: Span
    input_cols: Span
    output_rows: Span
    output_cols: Span
    pads: tuple[int, int, int, int]


@dataclass(frozen=True)
class Patch:
    """Grid cell (row, col): its windows through the stage, in stage order."""

    row: int
    col: int
    ops: tuple[OpWindow, ...]

    @property
    def tile(self) -> tuple[Span, Span]:
        """The rows and columns of the split output this patch computes."""
        return self.ops[-1].output_rows, self.ops[-1].output_cols


def activation_inputs(graph: Graph, op: Op) -> list[str]:
    return [n for n in op.inputs if n is not None and not graph.tensors[n].is_const]


def op_geometry(graph: Graph, op: Op) -> tuple[AxisGeometry, AxisGeometry] | None:
    """Row and column geometry of a spatially local op, or None when ``op`` is not one."""
    acts = activation_inputs(graph, op)
    if len(op.outputs) != 1 or not acts:
        return None
    if any(len(graph.tensors[n].shape) != 4 for n in acts + op.outputs):
        return None
    a, rule = with_defaults(op.type, op.attrs), op_def(op.type).patch
    if rule == "window" and len(acts) == 1:
        kh, kw = a["kernel"] if "kernel" in a else graph.tensors[op.inputs[1]].shape[1:3]
        (sh, sw), (dh, dw), (pt, _, pl, _) = a["stride"], a["dilation"], a["pads"]
        return AxisGeometry(kh, sh, dh, pt), AxisGeometry(kw, sw, dw, pl)
    if rule == "pad" and len(acts) == 1:
        batch, (pt, _), (pl, _), channels = a["pads"]
        if any(batch) or any(channels):
            return None
        return AxisGeometry(pad_before=pt), AxisGeometry(pad_before=pl)
    if rule == "pointwise" and len(acts) == 1:
        return AxisGeometry(), AxisGeometry()
    if rule == "join" and _is_pointwise_join(graph, op, a):
        return AxisGeometry(), AxisGeometry()
    return None


def _is_pointwise_join(graph: Graph, op: Op, attrs: dict) -> bool:
    out = graph.tensors[op.outputs[0]].shape
    if op.type == "concat":
        return attrs["axis"] % 4 == 3 and all(
            not graph.tensors[n].is_const and graph.tensors[n].shape[:3] == out[:3]
            for n in op.inputs)
    for name in op.inputs:
        t = graph.tensors[name]
        spatial = ((1, 1) + tuple(t.shape))[-3:-1]
        if t.is_const and spatial != (1, 1) or not t.is_const and t.shape != out:
            return False  # a constant with a spatial extent would need slicing too
    return True


def patchable_prefix(graph: Graph) -> int:
    """How many leading ops can run patch by patch (all spatially local, fed by the input)."""
    if len(graph.inputs) != 1 or len(graph.tensors[graph.inputs[0]].shape) != 4:
        return 0
    known = {graph.inputs[0]}
    for i, op in enumerate(graph.ops):
        acts = activation_inputs(graph, op)
        if op_geometry(graph, op) is None or any(n not in known for n in acts):
            return i
        known.add(op.outputs[0])
    return len(graph.ops)


def split_points(graph: Graph) -> list[int]:
    """Op indices that can end the patch stage: only that op's output is read after it,
    and every other tensor of the stage is read inside it."""
    last_read = {name: len(graph.ops) for name in graph.outputs}
    for i, op in enumerate(graph.ops):
        for name in op.inputs:
            if name is not None:
                last_read[name] = max(last_read.get(name, -1), i)
    points = []
    for split in range(patchable_prefix(graph)):
        inner = [graph.inputs[0]] + [op.outputs[0] for op in graph.ops[:split]]
        if all(split >= last_read.get(n, -1) > -1 for n in inner):
            points.append(split)
    return points


def stage_steps(graph: Graph, split: int) -> list[StageStep]:
    """The ops of the patch stage ending at op ``split``, pads folded into convs."""
    if split not in split_points(graph):
        raise UnsupportedError(f"op {split} cannot end a patch stage of {graph.name!r}; "
                               f"possible split ops: {split_points(graph)}")
    ops = graph.ops[:split + 1]
    readers: dict[str, list[int]] = {}
    for i, op in enumerate(ops):
        for name in activation_inputs(graph, op):
            readers.setdefault(name, []).append(i)
    folded = {op.outputs[0]: i for i, op in enumerate(ops)
              if op_def(op.type).patch == "pad" and i != split
              and len(readers[op.outputs[0]]) == 1
              and op_def(ops[readers[op.outputs[0]][0]].type).absorbs_pad}
    steps = []
    for i, op in enumerate(ops):
        if op.outputs[0] in folded:
            continue
        rows, cols = op_geometry(graph, op)
        inputs = tuple(activation_inputs(graph, op))
        pad = folded.get(inputs[0])
        if pad is None:
            steps.append(StageStep(i, inputs, inputs, op.outputs[0], rows, cols))
            continue
        pad_rows, pad_cols = op_geometry(graph, ops[pad])
        steps.append(StageStep(
            i, inputs, (ops[pad].inputs[0],), op.outputs[0],
            replace(rows, pad_before=rows.pad_before + pad_rows.pad_before),
            replace(cols, pad_before=cols.pad_before + pad_cols.pad_before), pad))
    return steps


def tile_spans(size: int, n: int) -> list[Span]:
    """``n`` contiguous tiles covering ``[0, size)``, sizes differing by at most one."""
    if not 1 <= n <= size:
        raise UnsupportedError(f"cannot cut {size} positions into {n} tiles")
    bounds = [i * size // n for i in range(n + 1)]
    return [Span(bounds[i], bounds[i + 1]) for i in range(n)]


def _axis_windows(graph: Graph, steps: list[StageStep], axis: int, tile: Span
                  ) -> list[tuple[Span, Span, int, int]]:
    """Per step (output span, input span, pad before, pad after) along ``axis`` for one tile."""
    need = {steps[-1].output: tile}
    spans: list = [None] * len(steps)
    for k in reversed(range(len(steps))):
        step = steps[k]
        geometry = step.rows if axis == 1 else step.cols
        out = need[step.output]
        size = graph.tensors[step.sources[0]].shape[axis]
        window, before, after = geometry.input_span(out, size)
        for name in step.sources:
            need[name] = window.union(need.get(name))
        spans[k] = (out, window, before, after)
    return spans


def patch_windows(graph: Graph, steps: list[StageStep], grid: int) -> tuple[Patch, ...]:
    """The windows of every patch of a ``grid x grid`` cut of the split output, row-major."""
    _, height, width, _ = graph.tensors[steps[-1].output].shape
    rows = [_axis_windows(graph, steps, 1, t) for t in tile_spans(height, grid)]
    cols = [_axis_windows(graph, steps, 2, t) for t in tile_spans(width, grid)]
    return tuple(
        Patch(i, j, tuple(OpWindow(step.op_index, r[1], c[1], r[0], c[0], (r[2], r[3], c[2], c[3]))
                          for step, r, c in zip(steps, row, col, strict=True)))
        for i, row in enumerate(rows) for j, col in enumerate(cols))
