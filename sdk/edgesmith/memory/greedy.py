"""Greedy-by-size placement, the algorithm of TFLM's GreedyMemoryPlanner.

What it does:

* Blocks are sorted by their largest size, descending; ties go to the block
  written first, then to the block listed first.
* The first block goes at offset 0. Each next block goes at the lowest offset
  where it overlaps no block already placed that is live at the same time:
  the first gap between such blocks that it fits in, else above the highest.
* A block whose size changes over time (an in-place depthwise conv2d shrinks
  its buffer) is checked segment by segment, so others may use the bytes it
  has given up.

Guarantees: the placement is valid (no two blocks live at one step overlap)
and deterministic. It is not optimal in general (placement is NP-hard); in
practice it is within a few percent, and :mod:`.optimal` starts from it.
It reports itself optimal when it reaches the lower bound (the largest sum of
sizes live at one step).

Cost: O(N^2 * S^2) time and O(N * S^2) memory for N blocks of at most S
segments; milliseconds for networks of a few hundred tensors.

Blocks are sequences of :data:`~.lifetimes.Segment` with sizes in alignment
slots, so every offset comes out aligned.
"""

from __future__ import annotations

from collections.abc import Sequence

from .lifetimes import Segment, live_per_step

Block = Sequence[Segment]


def block_size(block: Block) -> int:
    return max(size for _, _, size in block)


def arena_end(blocks: Sequence[Block], offsets: Sequence[int]) -> int:
    """The first slot above every placed block: the arena size in slots."""
    return max((off + block_size(b) for b, off in zip(blocks, offsets, strict=True)), default=0)


def _lowest_free(forbidden: list[tuple[int, int]]) -> int:
    """The lowest offset >= 0 outside every half-open range [lo, hi)."""
    offset = 0
    for lo, hi in sorted(forbidden):
        if lo > offset:
            break
        offset = max(offset, hi)
    return offset


def _forbidden_offsets(block: Block, other: Block, other_offset: int) -> list[tuple[int, int]]:
    """Offsets at which ``block`` would overlap ``other`` at some step both are live."""
    return [(other_offset - size + 1, other_offset + other_size)
            for first, last, size in block if size
            for o_first, o_last, other_size in other
            if other_size and first <= o_last and o_first <= last]


def place(blocks: Sequence[Block], time_limit_s: float | None = None) -> tuple[list[int], bool]:
    """Offsets (in slots) for ``blocks``, and whether they are proven optimal.

    ``time_limit_s`` is accepted for the strategy interface and ignored.
    """
    order = sorted(range(len(blocks)), key=lambda k: (-block_size(blocks[k]), blocks[k][0][0], k))
    offsets = [0] * len(blocks)
    placed: list[int] = []
    for k in order:
        forbidden = [rng for j in placed
                     for rng in _forbidden_offsets(blocks[k], blocks[j], offsets[j])]
        offsets[k] = _lowest_free(forbidden)
        placed.append(k)
    reaches_bound = arena_end(blocks, offsets) == max(live_per_step(blocks), default=0)
    return offsets, reaches_bound
