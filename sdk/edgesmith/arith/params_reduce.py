"""Integer parameters of the int8 reductions l2_normalization, sum, log_softmax and
batch_matmul (a sum of products), as TFLite's Prepare computes and checks them.
:mod:`.params` dispatches to :data:`BUILDERS`."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import UnsupportedError
from ..ir import Graph, Op


@dataclass(frozen=True)
class L2NormParams:
    """l2_normalization over the last axis: each value minus the input zero point, times
    1 / sqrt(its row's sum of squares) in fixed point, on the output scale 1/128."""

    input_zero_point: int


def _l2_normalization(op: Op, graph: Graph) -> L2NormParams:
    from .params import _scalar, _where

    _, z_in = _scalar(op, graph, op.inputs[0])
    s_out, z_out = _scalar(op, graph, op.outputs[0])
    if s_out != 1 / 128 or z_out != 0:
        raise UnsupportedError(f"{_where(op)}: int8 l2_normalization needs output scale 1/128 "
                               f"and zero point 0, got {s_out:g} and {z_out}")
    return L2NormParams(z_in)


def _sum(op: Op, graph: Graph):
    """sum: MEAN's parameters without the division by the count (the multiplier is
    input scale / output scale, as TFLite's Prepare computes it for both)."""
    from . import multiplier as mq
    from .param_types import MeanParams
    from .params import _scalar

    s_in, z_in = _scalar(op, graph, op.inputs[0])
    s_out, z_out = _scalar(op, graph, op.outputs[0])
    shape = graph.tensors[op.inputs[0]].shape
    count = int(np.prod([shape[a % len(shape)] for a in op.attrs["axes"]]))
    m, sh = mq.quantize_multiplier(float(s_in) / float(s_out))
    return MeanParams(z_in, z_out, count, m, sh)


@dataclass(frozen=True)
class BatchMatmulParams:
    """batch_matmul: sum over k of (a + a_offset)(b + b_offset), requantized once by
    (multiplier, shift), plus output_offset, clamped to int8."""

    a_offset: int
    b_offset: int
    output_offset: int
    multiplier: int
    shift: int


def _batch_matmul(op: Op, graph: Graph) -> BatchMatmulParams:
    """As TFLite's Prepare: the two scales multiplied in float32, divided in double."""
    from . import multiplier as mq
    from .params import _scalar

    s_a, z_a = _scalar(op, graph, op.inputs[0])
    s_b, z_b = _scalar(op, graph, op.inputs[1])
    s_out, z_out = _scalar(op, graph, op.outputs[0])
    product = float(np.float32(s_a) * np.float32(s_b))
    m, sh = mq.quantize_multiplier(product / float(s_out))
    return BatchMatmulParams(-z_a, -z_b, z_out, m, sh)


@dataclass(frozen=True)
class LogSoftmaxParams:
    """log_softmax over the last axis (TFLite's int8 reference kernel, output scale 16/256,
    zero point 127): softmax's input scaling to 5 integer bits, plus the inverse of that
    scaling (reverse_scaling_divisor, reverse_scaling_right_shift) that brings the log of
    the sum of exponentials back to input steps."""

    input_multiplier: int
    input_left_shift: int
    reverse_scaling_divisor: int
    reverse_scaling_right_shift: int
    diff_min: int


def _log_softmax(op: Op, graph: Graph) -> LogSoftmaxParams:
    """As TFLite's Prepare (PreprocessLogSoftmaxScalingExp with beta 1, 5 integer bits)."""
    from . import multiplier as mq
    from .params import _scalar, _where

    s_in, _ = _scalar(op, graph, op.inputs[0])
    s_out, z_out = _scalar(op, graph, op.outputs[0])
    if np.float32(s_out) != np.float32(16 / 256) or z_out != 127:
        raise UnsupportedError(f"{_where(op)}: int8 log_softmax needs output scale 16/256 and "
                               f"zero point 127 (TFLite's), got {s_out:g} and {z_out}")
    multiplier, left_shift, diff_min = mq.softmax_input_scaling(1.0, float(s_in))
    reverse = float(1 << (31 - left_shift)) / float(multiplier)
    divisor, reverse_shift = mq.quantize_multiplier(reverse)
    return LogSoftmaxParams(multiplier, left_shift, divisor, -reverse_shift, diff_min)


def _arg_select(op: Op, graph: Graph):
    """arg_max / arg_min compare raw codes (a positive scale keeps their order): no
    parameters; the output holds int32 or int64 indices."""
    from .param_types import NoParams
    from .params import _int8, _where

    _int8(op, graph, op.inputs[0])
    if graph.tensors[op.outputs[0]].dtype not in ("int32", "int64"):
        raise UnsupportedError(f"{_where(op)}: {op.type} writes int32 or int64 indices")
    return NoParams()


BUILDERS = {"l2_normalization": _l2_normalization, "sum": _sum,
            "batch_matmul": _batch_matmul, "log_softmax": _log_softmax,
            "arg_max": _arg_select, "arg_min": _arg_select}
