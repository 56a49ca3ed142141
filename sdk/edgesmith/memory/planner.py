"""The offline arena planner: one static block of RAM for every activation tensor.

What it does, in order:

1. Lifetimes (:mod:`.lifetimes`): each activation tensor lives from the op
   that writes it to the last op that reads it; graph inputs from step 0,
   graph outputs to the last step; constants stay in flash. A ``reshape``
   output is a view and shares its input's buffer.
2. In-place ops (:mod:`.inplace`, when ``inplace=True``): elementwise ops,
   activations, integer requantization and depthwise conv2d whose input dies
   at the op write their output over that input; an in-place depthwise conv2d
   also gets a per-channel scratch buffer, planned like any other buffer.
3. Buffers: tensors sharing an address are grouped into one buffer whose size
   may change over time (an in-place depthwise conv2d shrinks it).
4. Placement by a strategy, in slots of ``alignment`` bytes so that every
   offset is aligned: ``"greedy"`` (:mod:`.greedy`, TFLM's greedy-by-size) or
   ``"optimal"`` (:mod:`.optimal`, CP-SAT started from greedy). A strategy is
   a function ``place(blocks, time_limit_s) -> (offsets, proven_optimal)``
   registered in :data:`STRATEGIES`; swapping one changes nothing else.

State tensors (TFLite's variable tensors) persist across inferences: they are
not in the arena but in a state block of their own (``state_offsets``,
``state_bytes``, counted in ``ram_bytes``).

With ``inputs_in_arena=False`` graph inputs and outputs (and their views)
live in caller-owned buffers outside the arena; they are counted in
``io_bytes`` and have no offset.

Guarantees: the plan passes :func:`~.check.check_plan`: no two tensors live
at one step overlap in memory, except views at one address and an in-place
op's input and output at that op's step; every planned tensor fits in
``arena_bytes``; offsets are multiples of ``alignment``. ``arena_bytes`` is
a multiple of ``alignment``, since each buffer takes whole slots. The
``"optimal"`` arena is never larger than the ``"greedy"`` one.

Cost: lifetimes and in-place choice are O(ops * tensors); greedy placement
takes milliseconds; optimal placement takes up to ``time_limit_s`` seconds
(it returns at once when greedy already meets the lower bound).

Bounds: ``lower_bound_bytes`` is the largest number of activation bytes
live at one step with no op in place, inputs and outputs included, so it
compares with ``ram_bytes``. In-place ops can take the plan below it;
``max(steps)`` is the bound that applies to the plan's own buffers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from collections.abc import Callable, Sequence

from ..io.limits import MAX_ARENA_BYTES, check_limit
from ..ir.graph import Graph
from . import greedy, optimal
from .greedy import Block, arena_end
from .inplace import InplaceOp, InplacePolicy, choose_inplace_ops, scratch_lifetimes
from .lifetimes import (Buffer, Segment, io_tensors, live_per_step, lower_bound, make_buffers,
                        num_steps, state_layout, tensor_lifetimes, view_groups)

Strategy = Callable[[Sequence[Block], float], tuple[list[int], bool]]

STRATEGIES: dict[str, Strategy] = {"greedy": greedy.place, "optimal": optimal.place}


@dataclass(frozen=True)
class ArenaPlan:
    #: byte offset in the arena of every tensor planned there (and of in-place scratch buffers)
    offsets: dict[str, int]
    arena_bytes: int
    #: largest live activation bytes at one step, without in-place ops (inputs and outputs included)
    lower_bound_bytes: int
    #: bytes of graph input/output buffers outside the arena (0 when inputs_in_arena)
    io_bytes: int
    #: arena_bytes + io_bytes: all RAM the activations take
    ram_bytes: int
    #: bytes live at each step in this plan (in-place ops and scratch included)
    steps: tuple[int, ...]
    inplace_ops: tuple[InplaceOp, ...]
    strategy: str
    alignment: int
    inputs_in_arena: bool
    #: True when no smaller arena exists for these buffers and this alignment
    proven_optimal: bool
    #: offset of every state tensor in the state block, which persists across inferences
    state_offsets: dict[str, int] = field(default_factory=dict)
    #: bytes of the state block (0 for a stateless model); counted in ram_bytes
    state_bytes: int = 0

    def summary(self) -> str:
        proven = ", proven optimal" if self.proven_optimal else ""
        io = f" incl. {self.io_bytes} B of inputs/outputs" if self.io_bytes else ""
        state = f", {self.state_bytes} B of state" if self.state_bytes else ""
        lines = [(f"arena {self.arena_bytes} B ({self.strategy}{proven}), lower bound "
                  f"{self.lower_bound_bytes} B, RAM {self.ram_bytes} B{io}{state}")]
        for name, offset in self.state_offsets.items():
            lines.append(f"  state {name} at {offset} of the state block (outside the arena)")
        for op in self.inplace_ops:
            scratch = f", scratch {op.scratch_bytes} B" if op.scratch else ""
            lines.append(f"  op {op.op_index} {op.op_type} in place: {op.output} over "
                         f"{op.input}{scratch}")
        return "\n".join(lines)


def plan_buffers(graph: Graph, *, inplace: InplacePolicy = True, inputs_in_arena: bool = True
                 ) -> tuple[list[Buffer], list[Buffer], list[InplaceOp]]:
    """The buffers to place in the arena, those outside it, and the ops run in place.

    ``inplace``: True (every op whose definition allows it), False (none), or a
    predicate ``op -> bool`` naming the ops a backend's kernels can run in place."""
    lifetimes = tensor_lifetimes(graph)
    groups = view_groups(graph, lifetimes)
    outside = set() if inputs_in_arena else io_tensors(graph, groups)
    allowed = inplace if callable(inplace) else None
    inplace_ops = choose_inplace_ops(graph, lifetimes, groups, outside, allowed) \
        if inplace else []
    for name, lifetime in scratch_lifetimes(inplace_ops).items():
        lifetimes[name] = lifetime
        groups.add(name)
    buffers = make_buffers(lifetimes, groups)
    arena = [b for b in buffers if b.tensors[0] not in outside]
    io = [b for b in buffers if b.tensors[0] in outside]
    return arena, io, inplace_ops


def _slots(buffer: Buffer, alignment: int) -> list[Segment]:
    return [(first, last, -(-size // alignment)) for first, last, size in buffer.segments]


def plan_arena(graph: Graph, strategy: str = "greedy", *, inplace: InplacePolicy = True,
               time_limit_s: float = 10, inputs_in_arena: bool = True,
               alignment: int = 16) -> ArenaPlan:
    """Plan one static arena for the activations of ``graph`` (see the module docstring)."""
    if strategy not in STRATEGIES:
        raise ValueError(f"unknown planner strategy {strategy!r}; choose from {sorted(STRATEGIES)}")
    if alignment < 1:
        raise ValueError(f"alignment must be >= 1, got {alignment}")
    bound = lower_bound(graph)
    check_limit(f"model {graph.name!r}", "the smallest arena its activations need (bytes)",
                bound, MAX_ARENA_BYTES)
    arena, io, inplace_ops = plan_buffers(graph, inplace=inplace, inputs_in_arena=inputs_in_arena)
    blocks = [_slots(b, alignment) for b in arena]
    slot_offsets, proven = STRATEGIES[strategy](blocks, time_limit_s)
    offsets = {name: off * alignment
               for b, off in zip(arena, slot_offsets, strict=True) for name in b.tensors}
    arena_bytes = arena_end(blocks, slot_offsets) * alignment
    io_bytes = sum(b.nbytes for b in io)
    state_offsets, state_bytes = state_layout(graph, alignment)
    return ArenaPlan(
        offsets=offsets,
        arena_bytes=arena_bytes,
        lower_bound_bytes=bound,
        io_bytes=io_bytes,
        ram_bytes=arena_bytes + io_bytes + state_bytes,
        steps=tuple(live_per_step((b.segments for b in arena + io), num_steps(graph))),
        inplace_ops=tuple(inplace_ops),
        strategy=strategy,
        alignment=alignment,
        inputs_in_arena=inputs_in_arena,
        proven_optimal=proven,
        state_offsets=state_offsets,
        state_bytes=state_bytes,
    )
