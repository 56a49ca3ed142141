"""HLS layers of the data-movement ops that are no strided walk: ``gather_table`` (what the
lowering step makes of mirror padding, constant-index gathers and resizes by a fraction)
and zero padding (``pad``, whose fill is raw 0, real 0, in every fixed-point format), both
as one row gather (``es_hls::gather_table``) with offsets computed here, offline."""

from __future__ import annotations

import numpy as np

from ..errors import UnsupportedError
from ..ir import Op
from .layers import ConstArray, HlsLayer, LayerContext, builder, describe
from .types import raw_int, signed_bits


def _same_format(ctx: LayerContext, op: Op) -> None:
    if ctx.fmt(op, op.inputs[0]) != ctx.fmt(op, op.outputs[0]):
        raise UnsupportedError(f"{describe(op)}: a gather moves raw values, so its input and "
                               "output need one number format")


def _row_layer(ctx: LayerContext, index: int, op: Op, run: int, offsets) -> HlsLayer:
    offsets = np.asarray(offsets, np.int64)
    store = raw_int(signed_bits(max(ctx.size(op.inputs[0]), 1)))
    constants = [("unsigned", "n_in", ctx.size(op.inputs[0])),
                 ("unsigned", "n_rows", int(offsets.size)), ("unsigned", "run", int(run))]
    return HlsLayer(index, op, "gather_table", "gather_table_config",
                    [("offset_t", store)], constants,
                    [ConstArray(f"layer{index}_offsets", store, offsets,
                                f"first input element of each row of {run} of {describe(op)} "
                                "(-1: a row of zeros)")],
                    iterations=ctx.size(op.outputs[0]))


@builder("gather_table")
def gather_table(ctx: LayerContext, index: int, op: Op) -> HlsLayer:
    _same_format(ctx, op)
    a = ctx.attrs(op)
    return _row_layer(ctx, index, op, a["run"], a["offsets"])


def padded_rows(index: np.ndarray) -> tuple[int, np.ndarray]:
    """(run, offsets) of a flat index map with -1 for padding: the longest run length that
    cuts it into rows each all padding (offset -1) or of consecutive elements."""
    for run in range(index.size, 0, -1):
        if index.size % run:
            continue
        rows = index.reshape(-1, run)
        pad = (rows == -1).all(axis=1)
        steps = rows - rows[:, :1] == np.arange(run)
        if np.all(pad | steps.all(axis=1)):
            return run, np.where(pad, -1, rows[:, 0])
    raise AssertionError("run 1 always fits")


@builder("pad")
def pad(ctx: LayerContext, index: int, op: Op) -> HlsLayer:
    _same_format(ctx, op)
    shape = (1,) + ctx.shape(op.inputs[0])[1:]
    pads = [tuple(p) for p in ctx.attrs(op)["pads"]]
    flat = np.arange(int(np.prod(shape)), dtype=np.int64).reshape(shape)
    run, offsets = padded_rows(np.pad(flat, pads, constant_values=-1).reshape(-1))
    return _row_layer(ctx, index, op, run, offsets)
