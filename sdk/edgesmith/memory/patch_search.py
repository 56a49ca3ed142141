"""Choosing a patch plan: the split op and grid with the lowest peak SRAM under the limits.

Every split op (:func:`~.patch_windows.split_points`) and grid is a
candidate. Windows and extra MACs are cheap, so every candidate gets them;
planning an arena may call CP-SAT, so candidates are planned in order of
their lower bound (largest live bytes at one step, which no arena beats)
and the search stops once that bound exceeds the best peak found: the result
is the true minimum over all candidates, ties going to fewer extra MACs,
then the smaller grid, then the earlier split.
"""

from __future__ import annotations

import re

from ..errors import EdgesmithError, UnsupportedError
from ..ir import Graph
from ..report.metrics import total_macs
from .patch import PatchPlan, finish_plan, layer_based_peak, patch_candidate, plan_patches
from .patch_windows import split_points

DEFAULT_GRIDS = (2, 3, 4, 5, 6, 8)


def search_patch_plan(graph: Graph, *, budget_bytes: int | None = None,
                      max_extra_macs_pct: float | None = None,
                      grids: tuple[int, ...] = DEFAULT_GRIDS, time_limit_s: float = 10
                      ) -> PatchPlan:
    """The patch plan of ``graph`` with the lowest ``peak_bytes`` whose extra MACs stay
    within ``max_extra_macs_pct`` percent of the model's MACs.

    Raises :class:`EdgesmithError` when the graph has no patch stage, when no
    candidate meets the extra-MAC limit, or when the best peak exceeds
    ``budget_bytes`` (the message states the best found).
    """
    splits = split_points(graph)
    if not splits:
        raise EdgesmithError(f"{graph.name!r} has no patch stage: its first op is not a "
                             "spatially local op on a single NHWC input")
    candidates, least_extra, macs = [], None, max(total_macs(graph), 1)
    for split in splits:
        _, height, width, _ = graph.tensors[graph.ops[split].outputs[0]].shape
        for grid in grids:
            if grid > min(height, width):
                continue
            try:
                cand = patch_candidate(graph, split, grid)
            except UnsupportedError:
                continue  # some tile reads only padding (e.g. a split at a pad op)
            pct = 100.0 * cand.extra_macs / macs
            least_extra = pct if least_extra is None else min(least_extra, pct)
            if max_extra_macs_pct is None or pct <= max_extra_macs_pct:
                candidates.append(cand)
    if not candidates:
        raise EdgesmithError(
            f"no patch plan of {graph.name!r} adds at most {max_extra_macs_pct}% MACs; "
            f"the fewest extra MACs of any split and grid {list(grids)} is {least_extra:.1f}%",
            hint="raise the extra-MAC limit or allow finer grids")
    candidates.sort(key=lambda c: (c.bound_bytes, c.extra_macs, c.grid, c.split))
    layer_based = layer_based_peak(graph, time_limit_s)
    best = None
    for cand in candidates:
        if best is not None and cand.bound_bytes > best.peak_bytes:
            break
        plan = finish_plan(graph, cand, layer_based, time_limit_s)
        if best is None or _rank(plan) < _rank(best):
            best = plan
    if budget_bytes is not None and best.peak_bytes > budget_bytes:
        raise EdgesmithError(
            f"no patch plan of {graph.name!r} fits in {budget_bytes:,} B: the best needs "
            f"{best.peak_bytes:,} B (split op {best.split}, {best.grid}x{best.grid} patches, "
            f"+{best.extra_macs_pct:.1f}% MACs); layer-based needs {layer_based:,} B",
            hint="raise the budget" + ("" if max_extra_macs_pct is None
                                       else " or the extra-MAC limit"))
    return best


def _rank(plan: PatchPlan) -> tuple:
    return plan.peak_bytes, plan.extra_macs, plan.grid, plan.split


_SPEC = re.compile(r"^\s*(\d+)\s*:\s*(\d+)\s*$")


def plan_patches_from_spec(graph: Graph, spec: str, *, budget_bytes: int | None = None,
                           max_extra_macs_pct: float | None = None,
                           grids: tuple[int, ...] = DEFAULT_GRIDS) -> PatchPlan:
    """The plan a user asked for: ``"auto"`` searches, ``"SPLIT:N"`` plans op ``SPLIT``
    on ``N x N`` patches; either way the budget and extra-MAC limit are checked."""
    if spec.strip().lower() == "auto":
        return search_patch_plan(graph, budget_bytes=budget_bytes,
                                 max_extra_macs_pct=max_extra_macs_pct, grids=grids)
    match = _SPEC.match(spec)
    if match is None:
        raise EdgesmithError(f"patch spec {spec!r} is neither 'auto' nor SPLIT:N",
                             hint="e.g. --patch 7:4 runs ops 0..7 on 4x4 patches")
    split, grid = int(match[1]), int(match[2])
    plan = plan_patches(graph, split, grid)
    if max_extra_macs_pct is not None and plan.extra_macs_pct > max_extra_macs_pct:
        raise EdgesmithError(f"patch plan {split}:{grid} adds {plan.extra_macs_pct:.1f}% MACs, "
                             f"more than the limit of {max_extra_macs_pct}%")
    if budget_bytes is not None and plan.peak_bytes > budget_bytes:
        raise EdgesmithError(f"patch plan {split}:{grid} needs {plan.peak_bytes:,} B, more "
                             f"than the budget of {budget_bytes:,} B",
                             hint="try --patch auto")
    return plan
