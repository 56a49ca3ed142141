"""The TFLite readers of ``slice``: SLICE, STRIDED_SLICE (masks resolved here, once), and
SPLIT, SPLIT_V and UNPACK, whose every output becomes one slice of the input."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from ...errors import ModelFormatError, UnsupportedError
from .tflite_read import option


def strided_slice_attrs(shape, begin, end, strides, masks: dict) -> dict:
    """``slice`` attributes of a STRIDED_SLICE of a tensor of ``shape``: TFLite's rules for
    negative and out-of-range bounds are Python's (``slice.indices``); ``masks`` holds the
    begin, end and shrink bit masks."""
    out = {"begin": [], "size": [], "strides": [], "shrink": []}
    for axis, dim in enumerate(shape):
        b, e, s = (int(begin[axis]), int(end[axis]), int(strides[axis])) \
            if axis < len(begin) else (0, dim, 1)
        if s == 0:
            raise ModelFormatError(f"stride 0 on axis {axis}")
        if masks.get("shrink", 0) >> axis & 1:
            b = b + dim if b < 0 else b
            if not 0 <= b < dim:
                raise ModelFormatError(f"index {b} outside axis {axis} of size {dim}")
            start, count, s = b, 1, 1
            out["shrink"].append(axis)
        else:
            start, stop, s = slice(None if masks.get("begin", 0) >> axis & 1 else b,
                                   None if masks.get("end", 0) >> axis & 1 else e,
                                   s).indices(dim)
            count = len(range(start, stop, s))
        out["begin"].append(start if count else 0)
        out["size"].append(count)
        out["strides"].append(s)
    return {k: tuple(v) for k, v in out.items()}


def _emit_slice(imp, op, out_index: int, attrs: dict) -> None:
    if attrs["size"][0] != 1 or attrs["begin"][0] != 0 or 0 in attrs["shrink"]:
        raise UnsupportedError(f"{imp.path}: {op.title}: slicing the batch axis is not "
                               "supported (only slices that keep the whole batch)")
    imp.emit(replace(op, outputs=[out_index]), "slice", op.inputs[:1] if op.name != "SPLIT"
             else op.inputs[1:2], attrs)


def _strided_slice(imp, op, shape) -> dict:
    for mask in ("EllipsisMask", "NewAxisMask"):
        if option(op, mask, 0):
            raise UnsupportedError(f"{imp.path}: {op.title}: STRIDED_SLICE with an {mask} is "
                                   "not supported (only begin, end and shrink masks)")
    if option(op, "Offset", False):
        raise UnsupportedError(f"{imp.path}: {op.title}: STRIDED_SLICE with offset=true is "
                               "not supported")
    values = [imp.const_values(op, k, what).reshape(-1) for k, what in
              ((1, "begin"), (2, "end"), (3, "strides"))]
    masks = {"begin": option(op, "BeginMask", 0), "end": option(op, "EndMask", 0),
             "shrink": option(op, "ShrinkAxisMask", 0)}
    try:
        return strided_slice_attrs(shape, *values, masks)
    except ModelFormatError as exc:
        raise ModelFormatError(f"{imp.path}: {op.title}: {exc}") from None


def _pieces(imp, op, shape, axis: int, sizes) -> None:
    """One slice per output: consecutive pieces of ``sizes`` along ``axis``."""
    start = 0
    for out_index, n in zip(op.outputs, sizes):
        begin = [0] * len(shape)
        size = list(shape)
        begin[axis], size[axis] = start, n
        shrink = (axis,) if op.name == "UNPACK" else ()
        _emit_slice(imp, op, out_index, {"begin": tuple(begin), "size": tuple(size),
                                         "strides": (1,) * len(shape), "shrink": shrink})
        start += n


def from_tflite(imp, op) -> None:
    data = op.inputs[1] if op.name == "SPLIT" else op.inputs[0]
    shape = tuple(imp.tflite(data).shape)
    rank = len(shape)
    if op.name == "SLICE":
        begin = [int(b) for b in imp.const_values(op, 1, "begin").reshape(-1)]
        size = [int(s) for s in imp.const_values(op, 2, "size").reshape(-1)]
        size = [d - b if s == -1 else s for d, b, s in zip(shape, begin, size)]
        _emit_slice(imp, op, op.outputs[0], {"begin": tuple(begin), "size": tuple(size),
                                             "strides": (1,) * rank, "shrink": ()})
    elif op.name == "STRIDED_SLICE":
        _emit_slice(imp, op, op.outputs[0], _strided_slice(imp, op, shape))
    elif op.name == "UNPACK":
        axis = option(op, "Axis", 0) % rank
        _pieces(imp, op, shape, axis, [1] * shape[axis])
    else:
        where = 0 if op.name == "SPLIT" else 2
        axis = int(imp.const_values(op, where, "axis").reshape(-1)[0]) % rank
        if op.name == "SPLIT":
            count = len(op.outputs)
            if shape[axis] % count:
                raise ModelFormatError(f"{imp.path}: {op.title}: axis {axis} of size "
                                       f"{shape[axis]} does not split in {count}")
            sizes = [shape[axis] // count] * count
        else:
            sizes = [int(s) for s in imp.const_values(op, 1, "size_splits").reshape(-1)]
            if sizes.count(-1) == 1:
                sizes[sizes.index(-1)] = shape[axis] - (sum(sizes) + 1)
        if sum(sizes) != shape[axis] or len(sizes) != len(op.outputs) or min(sizes) < 0:
            raise ModelFormatError(f"{imp.path}: {op.title}: pieces {sizes} do not split axis "
                                   f"{axis} of size {shape[axis]} into {len(op.outputs)}")
        _pieces(imp, op, shape, axis, sizes)
