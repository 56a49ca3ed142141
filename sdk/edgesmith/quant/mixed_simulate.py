"""Mixed-precision patch execution (QuantMCU): each patch routed to an 8-bit or a low-bit branch.

:func:`simulate_mixed_patched` runs the patch stage of a
:class:`~edgesmith.quant.mixed_patch.MixedPatchModel` one patch at a time.
VDPC (:func:`~edgesmith.quant.vdpc.route_patches`) decides per sample and
patch, from the patch's own int8 input window, which branch computes it; the
patch then runs through :mod:`edgesmith.sim.patch`'s per-patch execution (the same window
graphs and kernels as :func:`~edgesmith.sim.patch.simulate_patched`), on the int8 graph or
on the low-bit branch's graph, for the samples routed there. Low-bit feature
maps run through the int8 kernels with the narrower clamp of their format
(:mod:`edgesmith.sim.subbyte_kernels`); the low-bit input is the int8 input requantized
(elementwise, so once for the whole input). Every tile is written into one
int8 split output, and the rest of the graph runs layer by layer in int8.

A patch's result depends only on its own windows, so each tile equals the
same tile of a layer-based run of the branch that computed it; with every
width 8 both branches are the int8 graph and the result equals
:func:`~edgesmith.sim.patch.simulate_patched` bit for bit.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

import numpy as np

from ..ir import Graph
from ..sim.executor import _bind_inputs, simulate
from ..sim.patch import check_plan_fits, run_patch_stage
from .mixed_patch import MixedPatchModel, requantize_input
from .vdpc import route_patches


def simulate_mixed_patched(model: MixedPatchModel,
                           inputs: np.ndarray | Mapping[str, np.ndarray],
                           keep_intermediates: bool = False
                           ) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Outputs of ``model`` (batch on axis 0) and the branch of every patch.

    Returns ``(outputs, branch_per_patch)``: ``outputs`` as :func:`simulate`
    returns them (with ``keep_intermediates``: the model input, the assembled
    split output and every tensor after it), and a bool array (samples,
    patches) in the plan's row-major patch order, True where the patch ran
    the 8-bit branch.
    """
    graph, plan = model.graph, model.plan
    check_plan_fits(graph, plan)
    values = _bind_inputs(graph, inputs)
    x = values[graph.inputs[0]]
    routes = route_patches(graph, plan, x, model.threshold)
    low_graph = model.low_bit_graph()
    branches = ((graph, x, routes), (low_graph, requantize_input(graph, low_graph, x), ~routes))
    split = graph.tensors[plan.split_tensor]
    assembled = np.empty((x.shape[0],) + tuple(split.shape[1:]), dtype=split.dtype)
    for p, patch in enumerate(plan.patches):
        one_patch = replace(plan, patches=(patch,))
        rows, cols = patch.tile
        for branch_graph, branch_input, taken in branches:
            samples = taken[:, p]
            if samples.any():
                tile = run_patch_stage(branch_graph, one_patch, branch_input[samples])
                assembled[samples, rows.start:rows.stop, cols.start:cols.stop] = \
                    tile[:, rows.start:rows.stop, cols.start:cols.stop]
    values.update(_run_rest(graph, plan.split, plan.split_tensor, assembled, keep_intermediates))
    values[plan.split_tensor] = assembled
    outputs = values if keep_intermediates else {n: values[n] for n in graph.outputs}
    return outputs, routes


def _run_rest(graph: Graph, split: int, split_tensor: str, assembled: np.ndarray,
              keep_intermediates: bool) -> dict[str, np.ndarray]:
    """The ops after the patch stage, layer by layer, on the assembled split output."""
    if split + 1 >= len(graph.ops):
        return {}
    rest = Graph(f"{graph.name}.rest", graph.tensors, graph.ops[split + 1:], [split_tensor],
                 list(graph.outputs), graph.meta)
    return simulate(rest, assembled, keep_intermediates=keep_intermediates)
