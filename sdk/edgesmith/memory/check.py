"""Validity check of an arena plan, independent of the strategy that made it.

It recomputes lifetimes from the graph and checks every pair of planned
tensors, so a bug in a strategy or in the buffer grouping cannot hide itself.
"""

from __future__ import annotations

from itertools import combinations

from ..ir.graph import Graph
from ..ir.ops import op_def_or_opaque
from .inplace import must_survive, overwritable_inputs, scratch_lifetimes
from .lifetimes import (Lifetime, TensorGroups, io_tensors, tensor_lifetimes,
                        view_groups)
from .planner import ArenaPlan


class InvalidPlanError(RuntimeError):
    """An arena plan that would corrupt a tensor.

    Plans are made by edgesmith's own planners from a verified graph, so this is
    a bug in a planner (the CLI reports it as an internal error), never an answer
    to bad input; it is a RuntimeError so that ``python -O`` or code catching
    assertion failures cannot mistake it for a test assertion."""


def _inplace_problems(graph: Graph, plan: ArenaPlan, keep_intact: set[str]) -> list[str]:
    problems = []
    for rec in plan.inplace_ops:
        where = f"in-place op {rec.op_index} ({rec.op_type})"
        if not 0 <= rec.op_index < len(graph.ops):
            problems.append(f"{where}: no such op")
            continue
        op = graph.ops[rec.op_index]
        candidates, scratch_bytes = overwritable_inputs(graph, op)
        if op.type != rec.op_type or op.outputs[0] != rec.output or rec.input not in candidates:
            problems.append(f"{where}: the kernel cannot write {rec.output} over {rec.input}")
        if rec.scratch_bytes != scratch_bytes or (rec.scratch is None) != (scratch_bytes == 0):
            problems.append(f"{where}: scratch of {rec.scratch_bytes} B, kernel needs "
                            f"{scratch_bytes} B")
        if rec.input in keep_intact:
            problems.append(f"{where}: overwrites {rec.input}, which must survive the run")
        if plan.offsets.get(rec.input) != plan.offsets.get(rec.output):
            problems.append(f"{where}: {rec.output} is not at the address of {rec.input}")
    return problems


def _may_share(a: Lifetime, b: Lifetime, offsets: dict[str, int], groups: TensorGroups,
               inplace_steps: dict[frozenset, int]) -> bool:
    """Whether two tensors live at one step may overlap in memory."""
    if offsets[a.name] != offsets[b.name]:
        return False
    if groups.find(a.name) == groups.find(b.name):
        return True  # views of one buffer: none of them is written after the first
    step = inplace_steps.get(frozenset((a.name, b.name)))
    return step is not None and max(a.first, b.first) == min(a.last, b.last) == step


def _state_problems(graph: Graph, plan: ArenaPlan) -> list[str]:
    """Every state tensor has its own aligned bytes inside the state block, none in the arena."""
    problems, spans = [], []
    for t in graph.state_tensors():
        offset = plan.state_offsets.get(t.name)
        if offset is None or t.name in plan.offsets:
            problems.append(f"state {t.name} must be in the state block and not in the arena")
            continue
        if offset % plan.alignment or offset < 0 or offset + t.nbytes > plan.state_bytes:
            problems.append(f"state {t.name} at {offset} (+{t.nbytes}) is unaligned or beyond "
                            f"the {plan.state_bytes} B state block")
        spans.append((offset, offset + t.nbytes, t.name))
    spans.sort()
    for (a0, a1, a), (b0, _, b) in zip(spans, spans[1:]):
        if b0 < a1:
            problems.append(f"state {a} overlaps state {b}")
    return problems


def check_plan(graph: Graph, plan: ArenaPlan) -> None:
    """Raise :class:`InvalidPlanError` listing every way ``plan`` is unsafe for ``graph``.

    Checks: every activation tensor is planned (or lives outside the arena
    when ``inputs_in_arena`` is off); offsets are aligned and every tensor
    fits in ``arena_bytes``; views sit at their source's address; each
    in-place op is one its kernel supports, and overwrites nothing needed
    later; no two tensors live at one step share a byte, except views and an
    in-place op's input and output at that op's step; the byte totals add up.
    """
    lifetimes = tensor_lifetimes(graph)
    groups = view_groups(graph, lifetimes)
    outside = set() if plan.inputs_in_arena else io_tensors(graph, groups)
    problems = _inplace_problems(graph, plan, must_survive(graph, groups, outside))
    for name, lifetime in scratch_lifetimes(plan.inplace_ops).items():
        lifetimes[name] = lifetime
        groups.add(name)
    offsets = plan.offsets

    for name, lt in lifetimes.items():
        if name in outside:
            if name in offsets:
                problems.append(f"{name} lives outside the arena but has an offset")
        elif name not in offsets:
            problems.append(f"{name} is not planned")
        elif offsets[name] % plan.alignment or offsets[name] < 0:
            problems.append(f"{name} at offset {offsets[name]} is not {plan.alignment}-aligned")
        elif offsets[name] + lt.nbytes > plan.arena_bytes:
            problems.append(f"{name} ends at {offsets[name] + lt.nbytes}, beyond the arena "
                            f"of {plan.arena_bytes} B")
    problems += [f"{name} has an offset but is no activation tensor"
                 for name in offsets if name not in lifetimes]
    for op in (op for op in graph.ops if op_def_or_opaque(op.type).view):
        src, view = op.inputs[0], op.outputs[0]
        if src in offsets and offsets[src] != offsets.get(view):
            problems.append(f"view {view} is not at the address of {src}")

    inplace_steps = {frozenset((r.input, r.output)): r.op_index for r in plan.inplace_ops}
    planned = [lifetimes[n] for n in offsets if n in lifetimes]
    for a, b in combinations(planned, 2):
        in_time = a.first <= b.last and b.first <= a.last
        in_memory = (offsets[a.name] < offsets[b.name] + b.nbytes
                     and offsets[b.name] < offsets[a.name] + a.nbytes)
        if in_time and in_memory and not _may_share(a, b, offsets, groups, inplace_steps):
            problems.append(f"{a.name} [{offsets[a.name]}, +{a.nbytes}) steps {a.first}-{a.last} "
                            f"overlaps {b.name} [{offsets[b.name]}, +{b.nbytes}) steps "
                            f"{b.first}-{b.last}")

    io_bytes = sum(max(lifetimes[m].nbytes for m in members)
                   for members in groups.groups() if members[0] in outside)
    if plan.io_bytes != io_bytes or \
            plan.ram_bytes != plan.arena_bytes + plan.io_bytes + plan.state_bytes:
        problems.append(f"io {plan.io_bytes} B / ram {plan.ram_bytes} B do not add up "
                        f"(io buffers take {io_bytes} B, arena {plan.arena_bytes} B, state "
                        f"{plan.state_bytes} B)")
    problems += _state_problems(graph, plan)
    if problems:
        raise InvalidPlanError(f"arena plan for {graph.name!r} is invalid:\n  "
                               + "\n  ".join(problems))
