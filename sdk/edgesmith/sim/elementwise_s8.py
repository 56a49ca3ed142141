"""Integer kernels of the elementwise ops and value-choosing reductions added after the op
registry, in NumPy: int32 arithmetic that cannot overflow here, with every requantization
through the C++ primitive ``_sim.multiply_by_quantized_multiplier`` (TFLite's two
roundings), so each is exact. Registered into ``INT_KERNELS`` by :mod:`.int_kernels`."""

from __future__ import annotations

import numpy as np

from .. import _sim
from ..arith.params import compute_params
from ..ir import Graph, Op, with_defaults

I32 = np.int32


def _requant(x: np.ndarray, multiplier: int, shift: int) -> np.ndarray:
    flat = np.ascontiguousarray(x, dtype=I32).reshape(-1)
    return np.asarray(_sim.multiply_by_quantized_multiplier(flat, int(multiplier), int(shift)),
                      dtype=np.int64).reshape(np.shape(x))


def _clamp(x: np.ndarray, lo: int, hi: int) -> np.ndarray:
    return np.clip(x, lo, hi).astype(np.int8)


def _scaled_pair(p, a, b):
    """Both inputs offset, shifted left by ``left_shift`` and brought to a common scale."""
    a, b = np.broadcast_arrays(np.asarray(a, np.int64), np.asarray(b, np.int64))
    one = 1 << p.left_shift
    return (_requant((a + p.input1_offset) * one, p.input1_multiplier, p.input1_shift),
            _requant((b + p.input2_offset) * one, p.input2_multiplier, p.input2_shift))


def sub(op: Op, graph: Graph, args: list) -> np.ndarray:
    p = compute_params(op, graph)
    a, b = _scaled_pair(p, args[0], args[1])
    out = _requant(a - b, p.output_multiplier, p.output_shift) + p.output_offset
    return _clamp(out, p.act_min, p.act_max)


def squared_difference(op: Op, graph: Graph, args: list) -> np.ndarray:
    p = compute_params(op, graph)
    a, b = _scaled_pair(p, args[0], args[1])
    diff = a - b  # |diff| < 2^15 with left_shift 7: its square fits int32
    out = _requant(diff * diff, p.output_multiplier, p.output_shift) + p.output_offset
    return _clamp(out, p.act_min, p.act_max)


def abs_s8(op: Op, graph: Graph, args: list) -> np.ndarray:
    p = compute_params(op, graph)
    value = np.abs(np.asarray(args[0], np.int64) - p.input_zero_point)
    return _clamp(_requant(value, p.multiplier, p.shift) + p.output_zero_point,
                  p.act_min, p.act_max)


def leaky_relu(op: Op, graph: Graph, args: list) -> np.ndarray:
    p = compute_params(op, graph)
    x = np.asarray(args[0], np.int64) - p.input_zero_point
    out = np.where(x >= 0, _requant(x, p.identity_multiplier, p.identity_shift),
                   _requant(x, p.alpha_multiplier, p.alpha_shift))
    return _clamp(out + p.output_zero_point, -128, 127)


def prelu(op: Op, graph: Graph, args: list) -> np.ndarray:
    p = compute_params(op, graph)
    x, alpha = np.broadcast_arrays(np.asarray(args[0], np.int64) + p.input_offset,
                                   np.asarray(args[1], np.int64) + p.alpha_offset)
    out = np.where(x >= 0, _requant(x, p.multiplier_1, p.shift_1),
                   _requant(x * alpha, p.multiplier_2, p.shift_2))
    return _clamp(out + p.output_offset, -128, 127)


def reduce_select(op: Op, graph: Graph, args: list) -> np.ndarray:
    compute_params(op, graph)  # checks that input and output share one format
    a = with_defaults(op.type, op.attrs)
    pick = np.max if op.type == "reduce_max" else np.min
    return pick(np.asarray(args[0], np.int8), axis=tuple(a["axes"]), keepdims=a["keepdims"])


def arg_select(op: Op, graph: Graph, args: list) -> np.ndarray:
    """arg_max, arg_min: raw int8 values order as their reals; ties give the first index."""
    a = with_defaults(op.type, op.attrs)
    pick = np.argmax if op.type == "arg_max" else np.argmin
    return pick(np.asarray(args[0], np.int8), axis=a["axis"]).astype(a["output_type"])


def resize_bilinear(op: Op, graph: Graph, args: list) -> np.ndarray:
    from ..ir.ops.resize_bilinear import resize_integer

    compute_params(op, graph)  # checks that input and output share one format
    return resize_integer(np.asarray(args[0], np.int8), with_defaults(op.type, op.attrs))


KERNELS = {"sub": sub, "squared_difference": squared_difference, "abs": abs_s8,
           "leaky_relu": leaky_relu, "prelu": prelu, "reduce_max": reduce_select,
           "reduce_min": reduce_select,
           "arg_max": arg_select, "arg_min": arg_select, "resize_bilinear": resize_bilinear}
