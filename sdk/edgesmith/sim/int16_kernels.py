"""Kernels of the 16x8 ops (int16 activations, int8 weights, int64 bias) in NumPy, exact:
64-bit accumulators and TFLite's 64-bit requantization for the MAC ops
(``arith.params_int16``); ADD and MUL take the int8 ops' parameters (``compute_params``,
which shifts int16 inputs by 15 bits) and their int32 arithmetic; LOGISTIC, TANH and SOFTMAX
are TFLite Micro's table-based int16 kernels in the C++ module (``arith.params_int16_lut``)."""

from __future__ import annotations

import numpy as np

from .. import _sim
from ..arith.params import compute_params
from ..arith.params_int16_lut import BUILDERS as LUT16_PARAMS
from ..arith.params_int16 import mac16_params, multiply_by_quantized_multiplier_64
from ..arith.sigmoid_table import sigmoid_table
from ..ir import OP_DEFS, Graph, Op, with_defaults
from ..ir.ops.movement import movement_kernel
from ..ir.ops.reference import taps
from .elementwise_s8 import _requant, _scaled_pair


def _output(acc: np.ndarray, op: Op, graph: Graph, args: list) -> np.ndarray:
    """Bias, 64-bit requantization per output channel (the last axis), clamp."""
    p = mac16_params(op, graph)
    if len(args) > 2 and args[2] is not None:
        acc = acc + np.asarray(args[2], np.int64)
    out = multiply_by_quantized_multiplier_64(acc, p.multiplier, p.shift)
    return np.clip(out, p.act_min, p.act_max).astype(np.int16)


def fully_connected(op: Op, graph: Graph, args: list) -> np.ndarray:
    offset = mac16_params(op, graph).weights_offset
    x = np.asarray(args[0], np.int64).reshape(args[0].shape[0], -1)
    return _output(x @ (np.asarray(args[1], np.int64) + offset).T, op, graph, args)


def conv2d(op: Op, graph: Graph, args: list) -> np.ndarray:
    a, w = with_defaults(op.type, op.attrs), np.asarray(args[1], np.int64)  # OHWI
    acc = None
    for i, j, view in taps(np.asarray(args[0], np.int64), w.shape[1], w.shape[2], a, 0):
        term = view @ w[:, i, j, :].T
        acc = term if acc is None else acc + term
    return _output(acc, op, graph, args)


def depthwise_conv2d(op: Op, graph: Graph, args: list) -> np.ndarray:
    a, w = with_defaults(op.type, op.attrs), np.asarray(args[1], np.int64)  # [1, KH, KW, C*M]
    multiplier = a["depth_multiplier"]
    acc = None
    for i, j, view in taps(np.asarray(args[0], np.int64), w.shape[1], w.shape[2], a, 0):
        term = np.repeat(view, multiplier, axis=3) * w[0, i, j, :]
        acc = term if acc is None else acc + term
    return _output(acc, op, graph, args)


def add(op: Op, graph: Graph, args: list) -> np.ndarray:
    p = compute_params(op, graph)
    a, b = _scaled_pair(p, args[0], args[1])
    out = _requant(a + b, p.output_multiplier, p.output_shift) + p.output_offset
    return np.clip(out, p.act_min, p.act_max).astype(np.int16)


def mul(op: Op, graph: Graph, args: list) -> np.ndarray:
    p = compute_params(op, graph)
    a, b = np.broadcast_arrays(np.asarray(args[0], np.int64) + p.input1_offset,
                               np.asarray(args[1], np.int64) + p.input2_offset)
    out = _requant(a * b, p.output_multiplier, p.output_shift) + p.output_offset
    return np.clip(out, p.act_min, p.act_max).astype(np.int16)


def _i16(x) -> np.ndarray:
    return np.ascontiguousarray(x, dtype=np.int16)


def sigmoid_like(op: Op, graph: Graph, args: list) -> np.ndarray:
    p = LUT16_PARAMS[op.type](op, graph)
    return getattr(_sim, f"{op.type}_s16")(_i16(args[0]), sigmoid_table(), p.input_multiplier,
                                           p.input_left_shift)


def softmax(op: Op, graph: Graph, args: list) -> np.ndarray:
    p = LUT16_PARAMS["softmax"](op, graph)
    return _sim.softmax_s16(_i16(args[0]), p.input_multiplier, p.input_left_shift,
                            p.exp_table, p.reciprocal_table)


def reshape(op: Op, graph: Graph, args: list) -> np.ndarray:
    out = graph.tensors[op.outputs[0]]
    return np.asarray(args[0]).reshape((args[0].shape[0],) + tuple(out.shape[1:]))


INT16_KERNELS = {"fully_connected": fully_connected, "conv2d": conv2d,
                 "depthwise_conv2d": depthwise_conv2d, "add": add, "mul": mul,
                 "reshape": reshape, "logistic": sigmoid_like, "tanh": sigmoid_like,
                 "softmax": softmax}
# pure data movement: the op's own move, exact on any dtype
INT16_KERNELS.update({name: movement_kernel for name, d in OP_DEFS.items() if d.move})
