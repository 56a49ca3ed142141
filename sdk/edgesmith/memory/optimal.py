"""Optimal placement with a CP-SAT model (OR-tools), started from the greedy placement.

What it does: every segment of every block is a rectangle in the plane
time x address. Its time extent is fixed (the segment's steps); its address
extent starts at the block's offset, a variable shared by all segments of
the block. One no-overlap-2D constraint keeps the rectangles disjoint, and
the objective minimizes the arena end, the highest address any block
reaches. The greedy placement (:mod:`.greedy`) is given as a hint and its
arena end as an upper bound on the objective; the largest sum of sizes live
at one step is a lower bound.

Guarantees: the result is valid and never larger than the greedy result. If
the solver proves optimality within the time limit the result is reported
optimal (the smallest arena for these lifetimes, sizes and alignment); if
it does not, the best placement found is returned and reported not proven.
When greedy already meets the lower bound the solver is not called at all.

Cost: exponential in the worst case, so bounded by ``time_limit_s`` of
wall-clock time (CP-SAT uses every core). Networks of tens of tensors
usually solve to optimality in well under a second. Results proven optimal
have a deterministic arena size; offsets, and results cut by the time
limit, may differ from run to run.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from . import greedy
from .greedy import Block, arena_end, block_size
from .lifetimes import live_per_step


def place(blocks: Sequence[Block], time_limit_s: float | None = 10.0) -> tuple[list[int], bool]:
    """Offsets (in slots) for ``blocks``, and whether the solver proved them optimal."""
    hint, reaches_bound = greedy.place(blocks)
    if reaches_bound:
        return hint, True
    if _in_process_unsafe():
        return _solve_in_child(blocks, hint, time_limit_s)
    return _solve(blocks, hint, time_limit_s)


#: the child that solves when this process cannot: a bare interpreter that imports only
#: edgesmith.memory (a multiprocessing child would re-import the caller's main module, and
#: with it TensorFlow, and crash the same way; a crashed pool worker hangs its caller)
_CHILD = ("import pickle, sys\n"
          "from edgesmith.memory.optimal import _solve\n"
          "sys.stdout.buffer.write(pickle.dumps(_solve(*pickle.loads(sys.stdin.buffer.read()))))\n")


def _solve_in_child(blocks: Sequence[Block], hint: list[int],
                    time_limit_s: float | None) -> tuple[list[int], bool]:
    """:func:`_solve` in a fresh interpreter; the greedy placement (valid, not proven
    optimal) if that child fails or overruns its time."""
    import pickle
    import subprocess

    try:
        done = subprocess.run([sys.executable, "-c", _CHILD],
                              input=pickle.dumps((list(blocks), hint, time_limit_s)),
                              capture_output=True, timeout=(time_limit_s or 600) + 120)
    except subprocess.TimeoutExpired:
        return hint, False
    if done.returncode != 0 or not done.stdout:
        return hint, False
    return pickle.loads(done.stdout)


def _in_process_unsafe() -> bool:
    """True when CP-SAT would crash in this process.

    TensorFlow imported before OR-tools loads its own protobuf and abseil
    symbols, and the CP-SAT solver then segfaults; a fresh process is safe.
    """
    return "tensorflow" in sys.modules and "ortools.sat.python.cp_model" not in sys.modules


def _solve(blocks: Sequence[Block], hint: list[int],
           time_limit_s: float | None) -> tuple[list[int], bool]:
    from ortools.sat.python import cp_model

    upper = arena_end(blocks, hint)
    lower = max(live_per_step(blocks))

    model = cp_model.CpModel()
    end = model.new_int_var(lower, upper, "arena_end")
    offsets, addresses, times = [], [], []
    for k, block in enumerate(blocks):
        offset = model.new_int_var(0, upper - block_size(block), f"offset_{k}")
        model.add(offset + block_size(block) <= end)
        model.add_hint(offset, hint[k])
        offsets.append(offset)
        for s, (first, last, size) in enumerate(block):
            if size:
                addresses.append(model.new_interval_var(offset, size, offset + size, f"a{k}_{s}"))
                times.append(model.new_fixed_size_interval_var(first, last - first + 1,
                                                               f"t{k}_{s}"))
    model.add_no_overlap_2d(addresses, times)
    model.add_hint(end, upper)
    model.minimize(end)

    solver = cp_model.CpSolver()
    if time_limit_s is not None:
        solver.parameters.max_time_in_seconds = float(time_limit_s)
    status = solver.solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return hint, False  # no solution within the time limit: keep greedy's
    return [solver.value(v) for v in offsets], status == cp_model.OPTIMAL
