"""How an ONNX value is laid out in the IR: the one place NCHW becomes NHWC.

Every ONNX value the importer has seen is a :class:`Value`: the IR tensor holding it,
its ONNX shape (batch stored as 1) and its layout. A layout is either an axis permutation
``perm`` (IR tensor = ONNX tensor transposed by ``perm``; channels-first images are held
as NHWC, ``perm = (0, 2, 3, 1)``) or, for a flattened image, ``order``: the ONNX feature
index each IR feature holds, so that a Flatten after an NHWC convolution stays a free
reshape and the following Gemm reads its weight rows in that order instead.

Converters ask for the layout they need (:meth:`Layouts.onnx_order`,
:meth:`Layouts.nhwc`); only then is a transpose emitted, so transposes appear only where
the model itself moves data across layouts.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

NHWC = (0, 2, 3, 1)


def inverse(perm: tuple[int, ...]) -> tuple[int, ...]:
    return tuple(int(i) for i in np.argsort(perm))


@dataclass(frozen=True)
class Value:
    """An ONNX activation as the IR holds it."""

    name: str  # the IR tensor
    shape: tuple[int, ...]  # the ONNX shape, batch 1
    perm: tuple[int, ...] | None = None  # IR = ONNX.transpose(perm); None: the same
    order: tuple[int, ...] | None = None  # rank 2 only: ONNX feature of each IR feature

    @property
    def rank(self) -> int:
        return len(self.shape)

    @property
    def plain(self) -> bool:
        return self.perm is None and self.order is None

    def ir_axis(self, onnx_axis: int) -> int:
        """The IR axis holding ONNX axis ``onnx_axis`` (an axis-permuted or plain value)."""
        axis = onnx_axis + self.rank if onnx_axis < 0 else onnx_axis
        if not 0 <= axis < self.rank:
            raise ValueError(f"axis {onnx_axis} is outside rank {self.rank}")
        return self.perm.index(axis) if self.perm else axis

    def element_order(self) -> np.ndarray:
        """The ONNX flat index (batch excluded) of each IR element, in IR order."""
        idx = np.arange(int(np.prod(self.shape[1:], dtype=np.int64))).reshape(self.shape[1:])
        if self.perm:
            idx = idx[None].transpose(self.perm)[0]
        flat = idx.reshape(-1)
        return flat[list(self.order)] if self.order else flat


def layout_for(shape: tuple[int, ...], order: np.ndarray) -> tuple | None:
    """(perm, order) of a value of ONNX ``shape`` whose IR elements are ONNX elements
    ``order``, preferring NHWC for images; None when no layout holds them in that order."""
    n = int(np.prod(shape[1:], dtype=np.int64))
    candidates = [(NHWC, None)] if len(shape) == 4 else []
    candidates.append((None, None))
    for perm, feats in candidates:
        idx = np.arange(n).reshape(shape[1:])
        if perm:
            idx = idx[None].transpose(perm)[0]
        if np.array_equal(idx.reshape(-1), order):
            return perm, feats
    if len(shape) == 2:
        return None, tuple(int(i) for i in order)
    return None


def const_in_layout(data: np.ndarray, like: Value) -> np.ndarray:
    """A constant operand of a broadcasting op, rearranged to broadcast against ``like``
    as the IR holds it (ONNX broadcasting aligns trailing axes)."""
    data = np.asarray(data)
    if like.plain:
        return data
    full = data.reshape((1,) * (like.rank - data.ndim) + data.shape)
    if like.perm:
        return full.transpose(like.perm)
    if full.shape[1] == 1:
        return full
    return full[:, list(like.order)]
