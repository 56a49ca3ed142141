"""Integer parameters of the 16x8 ops (TFLite's int16 activations, int8 weights, int64 bias),
as TFLite Micro's ``Prepare`` computes them: zero points of int16 activations are 0, and the
requantization of a 64-bit accumulator uses the rounding of TFLite's 64-bit
``MultiplyByQuantizedMultiplier`` (:func:`multiply_by_quantized_multiplier_64`)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import UnsupportedError
from ..ir import AffineFormat, Graph, Op, op_def, with_defaults
from . import multiplier as mq

#: op types whose 16x8 kernels read their activations through a table (TFLite Micro's)
LUT16_OP_TYPES = ("logistic", "tanh", "softmax")
#: op types with a 16x8 C kernel (the quantizer's --act-bits 16 asks too)
C_INT16_OP_TYPES = ("conv2d", "depthwise_conv2d", "fully_connected", "add", "mul",
                    *LUT16_OP_TYPES)


def is_int16(graph: Graph, name: str | None) -> bool:
    fmt = None if name is None else graph.tensors[name].fmt
    return isinstance(fmt, AffineFormat) and fmt.bits == 16


def _int16(op: Op, graph: Graph, name: str) -> AffineFormat:
    fmt = graph.tensors[name].fmt
    if not is_int16(graph, name) or fmt.per_channel or int(fmt.scalar()[1]) != 0:
        raise UnsupportedError(f"{op.origin or op.type}: tensor {name!r} must be int16 with one "
                               "scale and zero point 0 (TFLite's 16x8 scheme)")
    return fmt


def multiply_by_quantized_multiplier_64(acc: np.ndarray, multiplier, shift) -> np.ndarray:
    """TFLite's ``MultiplyByQuantizedMultiplier(int64_t x, ...)``: the Q31 multiplier reduced
    to 15 bits (rounded), one rounding shift by ``15 - shift``. ``multiplier`` and ``shift``
    broadcast against ``acc`` (per output channel on its last axis)."""
    m = np.asarray(multiplier, dtype=np.int64)
    reduced = np.where(m < 0x7FFF0000, (m + (1 << 15)) >> 16, 0x7FFF)
    total = 15 - np.asarray(shift, dtype=np.int64)
    return (np.asarray(acc, dtype=np.int64) * reduced + (np.int64(1) << (total - 1))) >> total


@dataclass(frozen=True, eq=False)
class Mac16Params:
    """conv2d, depthwise_conv2d, fully_connected on int16: acc = sum((w + weights_offset) * x)
    + bias (int64); out = clamp(mbqm64(acc)) per output channel."""

    weights_offset: int
    #: one entry per output channel (repeated for a per-tensor filter)
    multiplier: np.ndarray
    shift: np.ndarray
    act_min: int
    act_max: int


def mac16_params(op: Op, graph: Graph) -> Mac16Params:
    x, out = _int16(op, graph, op.inputs[0]), _int16(op, graph, op.outputs[0])
    w = graph.tensors[op.inputs[1]]
    if not isinstance(w.fmt, AffineFormat) or w.fmt.bits != 8:
        raise UnsupportedError(f"{op.origin or op.type}: 16x8 {op.type} needs int8 "
                               f"weights, got {w.dtype}")
    bias = op.inputs[2] if len(op.inputs) > 2 else None
    if bias is not None and graph.tensors[bias].dtype != "int64":
        raise UnsupportedError(f"{op.origin or op.type}: 16x8 {op.type} needs an int64 "
                               f"bias, got {graph.tensors[bias].dtype}")
    channels = w.shape[op_def(op.type).weight_axis]
    scales = np.broadcast_to(np.asarray(w.fmt.scale, np.float64).reshape(-1), (channels,))
    s_in, s_out = float(np.float32(x.scalar()[0])), float(np.float32(out.scalar()[0]))
    pairs = [mq.quantize_multiplier(s_in * float(s) / s_out) for s in scales]
    act = with_defaults(op.type, op.attrs).get("activation", "none")
    lo, hi = mq.activation_range(act, s_out, 0, -32768, 32767)
    offset = 0 if w.fmt.per_channel else -int(w.fmt.scalar()[1])
    return Mac16Params(offset, np.array([m for m, _ in pairs], np.int64),
                                  np.array([s for _, s in pairs], np.int64), lo, hi)
