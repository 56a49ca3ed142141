"""Patch-based execution of a graph (MCUNetV2), bit-exact with layer-based :func:`simulate`.

:func:`simulate_patched` runs the patch stage of a :class:`PatchPlan` one
patch at a time (all samples of the batch together), then the rest of the
graph layer by layer. Each stage op runs on its window through the ordinary
simulator (:func:`simulate` on a one-op graph, so the very kernels of
``INT_KERNELS`` / ``FLOAT_KERNELS`` compute it), as a copy of the op whose
padding is the patch's: non-zero only on true image borders, since inside the
image the window's halo carries the real neighbouring data. Every output
value sees the same taps, in the same order, as in the full op, so integer
outputs are bit-identical.

Float outputs agree to a few ulp, not always bit for bit: the float
reference computes a conv tap as a NumPy matmul, and BLAS may round a
one-column window (M = 1, a matrix-vector product) differently from the
full layer's matrix product.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from ..errors import EdgesmithError, UnsupportedError
from ..ir import Graph, Op, Tensor, op_def
from ..memory.patch import PatchPlan
from ..memory.patch_windows import (OpWindow, Patch, StageStep, patch_windows,
                                     stage_steps)
from .executor import _bind_inputs, simulate  # the same input checks as simulate()


def simulate_patched(graph: Graph, plan: PatchPlan, inputs: np.ndarray | Mapping[str, np.ndarray],
                     keep_intermediates: bool = False) -> dict[str, np.ndarray]:
    """Outputs of ``graph`` run patch by patch as ``plan`` says (batch on axis 0).

    Same arguments and result as :func:`simulate`; with ``keep_intermediates``
    the model input, the assembled split output and every tensor after it are
    returned (the stage's other tensors never exist in full).
    """
    check_plan_fits(graph, plan)
    values = _bind_inputs(graph, inputs)
    model_input = graph.inputs[0]
    split_output = run_patch_stage(graph, plan, values[model_input])
    rest = Graph(f"{graph.name}.rest", graph.tensors, graph.ops[plan.split + 1:],
                 [plan.split_tensor], list(graph.outputs), graph.meta)
    if rest.ops:
        values.update(simulate(rest, split_output, keep_intermediates=keep_intermediates))
    values[plan.split_tensor] = split_output
    if keep_intermediates:
        return values
    return {name: values[name] for name in graph.outputs}


def check_plan_fits(graph: Graph, plan: PatchPlan) -> None:
    """Refuse a plan made for another graph: its stage and windows must be this graph's."""
    try:
        steps = stage_steps(graph, plan.split)
        fits = steps == list(plan.steps) and patch_windows(graph, steps, plan.grid) == plan.patches
    except UnsupportedError:
        fits = False
    if not fits:
        raise EdgesmithError(f"patch plan of {plan.graph_name!r} (split op {plan.split}, "
                             f"{plan.split_tensor!r}) does not fit graph {graph.name!r}")


def run_patch_stage(graph: Graph, plan: PatchPlan, x: np.ndarray) -> np.ndarray:
    """The split op's full output, assembled tile by tile."""
    split = graph.tensors[plan.split_tensor]
    out = np.empty((x.shape[0],) + tuple(split.shape[1:]), dtype=split.dtype)
    for patch in plan.patches:
        # tensor name -> (window array, first row, first column) within this patch
        windows = {graph.inputs[0]: (x, 0, 0)}
        for step, window in zip(plan.steps, patch.ops, strict=True):
            args = {}
            for name, source in zip(step.inputs, step.sources, strict=True):
                data, row, col = windows[source]
                args[name] = data[:, window.input_rows.start - row:window.input_rows.stop - row,
                                  window.input_cols.start - col:window.input_cols.stop - col]
            op_graph = window_op_graph(graph, step, window, patch)
            result = simulate(op_graph, args)[step.output]
            windows[step.output] = (result, window.output_rows.start, window.output_cols.start)
        rows, cols = patch.tile
        out[:, rows.start:rows.stop, cols.start:cols.stop] = windows[plan.split_tensor][0]
    return out


def window_op_graph(graph: Graph, step: StageStep, window: OpWindow, patch: Patch) -> Graph:
    """A one-op graph: the stage op on this patch's window, with the patch's padding."""
    op = graph.ops[step.op_index]
    tensors = {n: graph.tensors[n] for n in op.inputs if n is not None}  # constants shared
    for name in step.inputs:
        tensors[name] = _resized(graph.tensors[name], window.input_rows.size,
                                 window.input_cols.size)
    tensors[step.output] = _resized(graph.tensors[step.output], window.output_rows.size,
                                    window.output_cols.size)
    attrs = dict(op.attrs)
    top, bottom, left, right = window.pads
    rule = op_def(op.type).patch
    if rule == "pad":
        attrs["pads"] = ((0, 0), (top, bottom), (left, right), (0, 0))
    elif rule == "window":
        attrs["pads"] = (top, bottom, left, right)
    where = f"{op.origin or op.type} (patch {patch.row},{patch.col})"
    patched = Op(op.type, list(op.inputs), [step.output], attrs, where)
    return Graph(f"{graph.name}.op{step.op_index}", tensors, [patched],
                 list(dict.fromkeys(step.inputs)), [step.output])


def _resized(t: Tensor, rows: int, cols: int) -> Tensor:
    return Tensor(t.name, (t.shape[0], rows, cols, t.shape[3]), t.dtype, t.fmt)
