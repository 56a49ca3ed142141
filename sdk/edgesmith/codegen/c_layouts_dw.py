"""The offline layout of a 3x3 depthwise layer for the fast kernels: one table row per channel.

``es_depthwise_conv2d_s8`` prepares every channel at run time: its nine weights
doubled into int16 tap pairs, the input offset folded into the bias, and the
short output stage (one SMMULR, no 64-bit product), which it may take only where
the channel's accumulators stay below 2^29, a bound from the real weights, the
bias and the input range. ``es_depthwise_conv2d_s8_w16`` reads all of that from
a table written here, ten words a channel (``es_dw3x3_channel`` in
``runtime/include/es_nn_fast_dw3x3.h``, which documents the words):

    w01[0], w12[0], w01[1], w12[1], w01[2], w12[2], 2 * (bias + offset * sum(w)),
    multiplier, 2^(right-1) + output_offset * 2^right, right

A layer takes the table only where the kernel takes its shape (3x3, dilation 1,
a line short enough for the kernel's buffer, an input offset inside int16) and
every channel takes the short stage; otherwise it stays on its int8 weights. A
layer with narrow accumulators whose every channel has a one-multiply stage
(:mod:`.c_one_multiply`: 4- and 2-bit inputs or outputs, as on a QuantMCU low-bit
branch) gets that stage instead: the tap pairs times its scale, its start,
multiplier and constant in the last words, and a right shift of 0 marking it.
The stage's right shift may reach 23 here (the run-time check of the int8
kernel stops at 21): with |acc| < 2^29 the rounded high word x stays within
2^29, the output offset rides as offset * 2^right (at most 2^30 for offsets in
[-128, 127]) and x + round, the one sum the loop forms, stays inside int32;
real layers have channels with right shifts of 22 (VWW).
"""

from __future__ import annotations

import numpy as np

from ..ir import Graph, Op
from .c_one_multiply import call_range, one_multiply_stage, ssat_bits

#: the kernel on the table, and the int16 values of its line buffer (es_nn_fast.h ES_FAST_BUFFER)
DW_KERNEL = "es_depthwise_conv2d_s8_w16"
BUFFER = 1280
#: the largest right shift of the short stage on the table (see the module docstring)
MAX_RIGHT = 23
#: the taps of a 3x3 filter in the order of the plane's lines: rows, or columns
_BY_ROWS = np.arange(9)
_BY_COLUMNS = np.array([0, 3, 6, 1, 4, 7, 2, 5, 8])


def lines_are_columns(out_h: int, out_w: int) -> bool:
    """Whether the kernel runs a plane by columns (taller than wide: fewer, longer lines)."""
    return out_h > out_w


def shape_fits(out_h: int, out_w: int, stride: tuple[int, int]) -> bool:
    """Whether three lines of the plane fit the kernel's buffer (es_dw3x3_layout)."""
    columns = lines_are_columns(out_h, out_w)
    length, step = (out_h, stride[0]) if columns else (out_w, stride[1])
    line_stride = ((length - 1) * step + 5) & ~1
    return BUFFER // line_stride >= 3


def _halves(lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    return ((lo & 0xFFFF) | ((hi & 0xFFFF) << 16)).astype(np.uint32).view(np.int32)


def dw3x3_table(weights: np.ndarray, bias: np.ndarray | None, multiplier: np.ndarray,
                shift: np.ndarray, input_offset: int, output_offset: int,
                columns: bool) -> np.ndarray | None:
    """The table [C, 10] (int32) of a 3x3 depthwise layer with int8 ``weights`` [3, 3, C]
    (or [1, 3, 3, C]), or None where a channel cannot take the short output stage: a
    negative multiplier, a shift outside -23..-1, or accumulators that may reach 2^29."""
    w = np.asarray(weights, np.int64).reshape(9, -1)[_BY_COLUMNS if columns else _BY_ROWS]
    channels = w.shape[1]
    b = np.zeros(channels, np.int64) if bias is None else np.asarray(bias, np.int64).reshape(-1)
    mult = np.asarray(multiplier, np.int64).reshape(-1)
    right = -np.asarray(shift, np.int64).reshape(-1)
    x_bound = max(abs(-128 + input_offset), abs(127 + input_offset))
    bound = np.abs(b) + np.abs(w).sum(axis=0) * x_bound
    if not -128 <= output_offset <= 127 or not np.all((mult >= 0) & (right >= 1) & (right <= MAX_RIGHT) & (bound < 1 << 29)):
        return None
    stage = [2 * (b + input_offset * w.sum(axis=0)), mult,
             (1 << (right - 1)) + output_offset * (1 << right), right]
    return _table(2 * w, stage)


def _table(lines: np.ndarray, stage: list[np.ndarray]) -> np.ndarray:
    """The table [C, 10] of the scaled taps ``lines`` [9, C] (in the lines' order) and the
    four stage words of each channel: the tap lines' two int16 pairs each, then the stage."""
    pairs = [_halves(lines[3 * k + j], lines[3 * k + j + 1]) for k in range(3) for j in (0, 1)]
    return np.stack([*pairs, *(np.asarray(s).astype(np.int32) for s in stage)], axis=1)


def dw_table_of(op: Op, graph: Graph, values: dict) -> np.ndarray | None:
    """The table of ``op`` (a depthwise layer) from its int8 call's ``values``
    (:func:`~.c_calls.call_values`), or None where it keeps its int8 weights (see the
    module docstring). :func:`.c_layouts.w16_call` turns it into the call of
    :data:`DW_KERNEL`."""
    weights = graph.tensors[op.inputs[1]]
    if weights.data is None or weights.data.dtype != np.int8 or tuple(weights.shape[1:3]) != (3, 3):
        return None
    fields = values["params"].fields
    stride = (fields["stride"]["h"], fields["stride"]["w"])
    out = values["output_dims"].fields
    if (fields["dilation"]["h"], fields["dilation"]["w"]) != (1, 1) or \
            abs(int(fields["input_offset"])) > 32640 or not shape_fits(out["h"], out["w"], stride):
        return None
    bias = None
    if len(op.inputs) > 2 and op.inputs[2] is not None:
        bias = graph.tensors[op.inputs[2]].data
        if bias is None or bias.dtype != np.int32:
            return None
    quant = values["quant"].fields
    multiplier, shift = np.array(quant["multiplier"].values), np.array(quant["shift"].values)
    columns = lines_are_columns(out["h"], out["w"])
    ranges = call_range(op, graph, fields)
    if ranges is not None:  # narrow accumulators take the one-multiply stage where they can
        table = one_multiply_table(weights.data, bias, multiplier, shift,
                                   int(fields["input_offset"]), int(fields["output_offset"]),
                                   *ranges, columns)
        if table is not None:
            return table
    return dw3x3_table(weights.data, bias, multiplier, shift, int(fields["input_offset"]),
                       int(fields["output_offset"]), columns)


def one_multiply_table(weights: np.ndarray, bias: np.ndarray | None, multiplier: np.ndarray,
                       shift: np.ndarray, input_offset: int, output_offset: int,
                       act: tuple[int, int], input_range: tuple[int, int],
                       columns: bool) -> np.ndarray | None:
    """The table [C, 10] of a 3x3 depthwise layer on the one-multiply output stage
    (:mod:`.c_one_multiply`), or None where a channel has none: the tap pairs times the
    stage's scale S, then per channel S * (bias + offset * sum(w)) + delta, the multiplier,
    the constant and a right shift of 0, which marks the stage for the kernel."""
    w = np.asarray(weights, np.int64).reshape(9, -1)
    b = np.zeros(w.shape[1], np.int64) if bias is None else np.asarray(bias, np.int64).reshape(-1)
    folded = b + input_offset * w.sum(axis=0)
    stage = one_multiply_stage(w.T, folded, multiplier, shift, output_offset, act,
                               ssat_bits(act), input_range)
    if stage is None:
        return None
    return _table(stage.scale * w[_BY_COLUMNS if columns else _BY_ROWS],
                  [stage.start, stage.multiplier, stage.constant, np.zeros_like(stage.start)])
