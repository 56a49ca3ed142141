"""Tensor lifetimes, shared buffers and the lower bound of activation memory.

Steps are op indices: op ``i`` of ``graph.ops`` runs at step ``i``. A tensor
lives from the step that writes it to the last step that reads it, both
included, so the inputs and the output of an op are live together at its
step and need separate memory unless the op runs in place (:mod:`.inplace`).
Graph inputs are live from step 0 and graph outputs to the last step, because
the caller writes the first before running and reads the second after.
Constants live in flash and are never planned; state tensors (``Tensor.variable``)
persist across inferences, so they sit in a block of their own (:func:`state_layout`). Sizes are ``Tensor.nbytes``:
batch 1, packed as stored.

Views: the output of ``reshape`` is its input under a new shape, one buffer
under two names. Tensors that must share one address form a group (views
here, in-place pairs later); a group is planned as one :class:`Buffer` whose
size at a step is the size of its largest member live at that step, since all
members start at the same address.

The lower bound is the largest sum of live buffer sizes over all steps: every
buffer live at one step needs its own bytes, so no arena (without in-place
execution) can be smaller.
"""

from __future__ import annotations

from dataclasses import dataclass
from collections.abc import Iterable, Sequence

from ..ir.graph import Graph
from ..ir.ops import op_types, op_def_or_opaque


#: op types whose output is a view of their first input (asked of the op definitions)
VIEW_OPS = op_types(view=True)

#: (first step, last step, size) of a stretch of time over which a buffer's size is constant;
#: the size is in bytes for buffers and in alignment slots inside the strategies
Segment = tuple[int, int, int]


@dataclass(frozen=True)
class Lifetime:
    name: str
    nbytes: int
    first: int
    last: int

    def live_at(self, step: int) -> bool:
        return self.first <= step <= self.last


@dataclass(frozen=True)
class Buffer:
    """One address range and the tensors that occupy it, with its size over time."""

    tensors: tuple[str, ...]
    #: consecutive, non-overlapping stretches in time order
    segments: tuple[Segment, ...]

    @property
    def nbytes(self) -> int:
        return max(size for _, _, size in self.segments)

    @property
    def first(self) -> int:
        return self.segments[0][0]


class TensorGroups:
    """Union-find over tensor names: each group must live at one address."""

    def __init__(self, names: Iterable[str]):
        self._parent = {name: name for name in names}

    def add(self, name: str) -> None:
        self._parent.setdefault(name, name)

    def find(self, name: str) -> str:
        # identity first: a name that is not equal to itself (NaN) must still end the walk
        root = name
        while self._parent[root] is not root and self._parent[root] != root:
            root = self._parent[root]
        while self._parent[name] is not root:  # path compression
            self._parent[name], name = root, self._parent[name]
        return root

    def union(self, a: str, b: str) -> None:
        self._parent[self.find(b)] = self.find(a)

    def members(self, name: str) -> list[str]:
        root = self.find(name)
        return [n for n in self._parent if self.find(n) == root]

    def groups(self) -> list[list[str]]:
        """Every group, members in insertion order, groups in order of their first member."""
        by_root: dict[str, list[str]] = {}
        for name in self._parent:
            by_root.setdefault(self.find(name), []).append(name)
        return list(by_root.values())


def is_arena_tensor(graph: Graph, name: str) -> bool:
    """Whether ``name`` is planned per inference: constants stay in flash and state tensors
    persist across inferences in their own block (:func:`state_layout`)."""
    t = graph.tensors[name]
    return not t.is_const and not t.variable


def state_layout(graph: Graph, alignment: int = 16) -> tuple[dict[str, int], int]:
    """Offsets of the state tensors in the model's state block, one after the other (all
    live for the model's whole life), and the block's size; both multiples of ``alignment``."""
    offsets, end = {}, 0
    for t in graph.state_tensors():
        offsets[t.name] = end
        end += -(-t.nbytes // alignment) * alignment
    return offsets, end


def num_steps(graph: Graph) -> int:
    return max(len(graph.ops), 1)


def tensor_lifetimes(graph: Graph) -> dict[str, Lifetime]:
    """The lifetime of every activation tensor, in order of first write."""
    first: dict[str, int] = dict.fromkeys(graph.inputs, 0)
    last: dict[str, int] = dict.fromkeys(graph.inputs, 0)
    for step, op in enumerate(graph.ops):
        for name in op.inputs:
            if name is not None and is_arena_tensor(graph, name):
                last[name] = step
        for name in op.outputs:
            first.setdefault(name, step)
            last.setdefault(name, step)  # written but never read: live at its own step
    for name in graph.outputs:
        last[name] = num_steps(graph) - 1
    return {name: Lifetime(name, graph.tensors[name].nbytes, first[name], last[name])
            for name in first if is_arena_tensor(graph, name)}


def view_groups(graph: Graph, lifetimes: dict[str, Lifetime]) -> TensorGroups:
    """Groups of tensors joined by view ops (a view of a constant stays a separate tensor)."""
    groups = TensorGroups(lifetimes)
    for op in graph.ops:
        if op_def_or_opaque(op.type).view and op.inputs[0] in lifetimes:
            groups.union(op.inputs[0], op.outputs[0])
    return groups


def io_tensors(graph: Graph, groups: TensorGroups) -> set[str]:
    """Graph inputs and outputs and every tensor sharing their buffers."""
    return {m for name in graph.inputs + graph.outputs for m in groups.members(name)}


def make_buffers(lifetimes: dict[str, Lifetime], groups: TensorGroups) -> list[Buffer]:
    """One buffer per group, in order of first write."""
    buffers = []
    for members in groups.groups():
        lts = [lifetimes[m] for m in members]
        segments: list[list[int]] = []
        for step in range(min(lt.first for lt in lts), max(lt.last for lt in lts) + 1):
            size = max((lt.nbytes for lt in lts if lt.live_at(step)), default=0)
            if segments and segments[-1][2] == size and segments[-1][1] == step - 1:
                segments[-1][1] = step
            elif size:
                segments.append([step, step, size])
        if segments:
            buffers.append(Buffer(tuple(members), tuple(tuple(s) for s in segments)))
    return sorted(buffers, key=lambda b: b.first)


def live_per_step(blocks: Iterable[Sequence[Segment]], steps: int | None = None) -> list[int]:
    """Sum of the sizes of the segments live at each step."""
    blocks = list(blocks)
    if steps is None:
        steps = max((last + 1 for block in blocks for _, last, _ in block), default=0)
    live = [0] * steps
    for block in blocks:
        for first, last, size in block:
            for step in range(first, last + 1):
                live[step] += size
    return live


def graph_buffers(graph: Graph) -> list[Buffer]:
    """The buffers of a graph with views shared and nothing run in place."""
    lifetimes = tensor_lifetimes(graph)
    return make_buffers(lifetimes, view_groups(graph, lifetimes))


def live_bytes_per_step(graph: Graph) -> list[int]:
    """Bytes of activation buffers live at each step, without in-place execution."""
    return live_per_step((b.segments for b in graph_buffers(graph)), num_steps(graph))


def lower_bound(graph: Graph) -> int:
    """The largest number of activation bytes live at one step (inputs and outputs included)."""
    return max(live_bytes_per_step(graph), default=0)
