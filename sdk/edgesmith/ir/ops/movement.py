"""What the pure data-movement ops share: each declares ``move(x, attrs)``, a NumPy function
that rearranges the elements of a batched array of any dtype without computing anything.

That one function is the op's float reference and its integer kernel in the simulator
(values move unchanged, so it is exact for every format), and the lowering step derives the
op's strided walk from it offline (:func:`strided_walk`): the one C and HLS kernel of every
data-movement op is a gather over that walk.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

#: most axes a walk may have after merging (the C runtime's ES_GATHER_MAX_DIMS)
MAX_WALK_DIMS = 6


class StridedWalk(NamedTuple):
    """Output element ``(i_0, ..)`` in row-major order reads input element
    ``offset + sum(i_k * strides[k])`` (one sample; element counts, not bytes)."""

    offset: int
    dims: tuple[int, ...]
    strides: tuple[int, ...]


def movement_kernel(op, graph, args):
    """The simulator kernel of a data-movement op: its definition's ``move`` on the raw values."""
    from .base import op_def, with_defaults  # at call time: base registers the definitions

    return op_def(op.type).move(np.asarray(args[0]), with_defaults(op.type, op.attrs))


def strided_walk(move, in_shape: tuple[int, ...], attrs: dict) -> StridedWalk | None:
    """The walk of ``move`` over one sample of shape ``in_shape`` (batch 1 included), or None
    when its index map is no strided walk of at most :data:`MAX_WALK_DIMS` axes."""
    size = int(np.prod(in_shape, dtype=np.int64))
    index = np.asarray(move(np.arange(size, dtype=np.int64).reshape(in_shape), attrs))
    dims = [d for d in index.shape if d != 1] or [1]
    index = index.reshape(dims)
    offset = int(index.flat[0])
    strides = [int(index[tuple(1 if j == k else 0 for j in range(len(dims)))]) - offset
               if dims[k] > 1 else 0 for k in range(len(dims))]
    expected = np.full(dims, offset, dtype=np.int64)
    for k, (d, s) in enumerate(zip(dims, strides)):
        shape = [1] * len(dims)
        shape[k] = d
        expected = expected + (np.arange(d, dtype=np.int64) * s).reshape(shape)
    if not np.array_equal(expected, index):
        return _factored_walk(index.reshape(-1))
    merged_dims, merged_strides = [dims[0]], [strides[0]]
    for d, s in zip(dims[1:], strides[1:]):
        if merged_strides[-1] == s * d:  # the outer axis continues the inner one
            merged_dims[-1] *= d
            merged_strides[-1] = s
        else:
            merged_dims.append(d)
            merged_strides.append(s)
    if len(merged_dims) > MAX_WALK_DIMS:
        return None
    return StridedWalk(offset, tuple(merged_dims), tuple(merged_strides))


def walk_gather(x: np.ndarray, walk: StridedWalk, out_shape: tuple[int, ...]) -> np.ndarray:
    """``walk`` applied to every sample of the batched array ``x``."""
    index = np.full(walk.dims, walk.offset, dtype=np.int64)
    for k, (d, s) in enumerate(zip(walk.dims, walk.strides)):
        shape = [1] * len(walk.dims)
        shape[k] = d
        index = index + (np.arange(d, dtype=np.int64) * s).reshape(shape)
    flat = np.asarray(x).reshape(x.shape[0], -1)
    return flat[:, index.reshape(-1)].reshape((x.shape[0],) + tuple(out_shape[1:]))


def _factored_walk(flat: np.ndarray) -> StridedWalk | None:
    """The walk of a flat index map whose axes are not the output's own (tile, depth to
    space, nearest resize by a whole factor): innermost first, the longest arithmetic run
    that repeats with the same stride through the whole map becomes one axis, and the map
    of its starts is walked the same way."""
    dims: list[int] = []
    strides: list[int] = []
    while flat.size > 1:
        if len(dims) == MAX_WALK_DIMS:
            return None
        step = int(flat[1] - flat[0])
        run = 2
        while run < flat.size and flat[run] - flat[run - 1] == step:
            run += 1
        for n in range(run, 1, -1):  # the longest run length that tiles the whole map
            if flat.size % n:
                continue
            blocks = flat.reshape(-1, n)
            if np.array_equal(blocks - blocks[:, :1], np.broadcast_to(
                    np.arange(n, dtype=np.int64) * step, blocks.shape)):
                break
        else:
            return None
        dims.insert(0, n)
        strides.insert(0, step)
        flat = blocks[:, 0]
    return StridedWalk(int(flat[0]), tuple(dims) or (1,), tuple(strides) or (0,))
