"""The parameter records of :mod:`edgesmith.arith.params`, one per int8 op family.

Every field is a Python int, a float the kernel needs as such, or a read-only
NumPy array; the records are frozen so that a computed record can be shared.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


def frozen_ints(values) -> np.ndarray:
    """A read-only int32 vector."""
    arr = np.array(values, dtype=np.int32).reshape(-1)
    arr.setflags(write=False)
    return arr


@dataclass(frozen=True, eq=False)
class ConvParams:
    """conv2d and depthwise_conv2d: acc = sum(w * (x + input_offset)) + bias, then
    requantized per output channel (one entry = every channel)."""

    input_offset: int
    output_offset: int
    multiplier: np.ndarray
    shift: np.ndarray
    act_min: int
    act_max: int


@dataclass(frozen=True, eq=False)
class FullyConnectedParams:
    """fully_connected. LiteRT's reference kernel (BUILTIN_REF) rescales the int32
    accumulator with the double ``real_scale`` (round half away from zero);
    TFLite Micro and CMSIS-NN use (multiplier, shift). Both are given."""

    input_offset: int
    weights_offset: int
    output_offset: int
    multiplier: np.ndarray
    shift: np.ndarray
    real_scale: np.ndarray
    act_min: int
    act_max: int


@dataclass(frozen=True)
class PoolParams:
    """avg_pool2d and max_pool2d: input and output share one format."""

    act_min: int
    act_max: int


@dataclass(frozen=True)
class AddParams:
    """add: both inputs, offset, shifted left by ``left_shift`` and scaled to a
    common scale, are summed; the sum is scaled to the output."""

    left_shift: int
    input1_offset: int
    input1_multiplier: int
    input1_shift: int
    input2_offset: int
    input2_multiplier: int
    input2_shift: int
    output_offset: int
    output_multiplier: int
    output_shift: int
    act_min: int
    act_max: int


@dataclass(frozen=True)
class MulParams:
    """mul: (a + input1_offset) * (b + input2_offset) requantized to the output."""

    input1_offset: int
    input2_offset: int
    output_offset: int
    output_multiplier: int
    output_shift: int
    act_min: int
    act_max: int


@dataclass(frozen=True)
class RequantizeParams:
    """Integer rescaling with a clamp: quantize between two integer formats (int8, uint8,
    int16), relu, relu6, relu_n1_to_1."""

    input_zero_point: int
    output_zero_point: int
    multiplier: int
    shift: int
    act_min: int
    act_max: int


@dataclass(frozen=True)
class QuantizeParams:
    """float32 -> int8, uint8 or int16: round(x / scale) + zero_point, in float32, clamped."""

    scale: float
    zero_point: int
    qmin: int
    qmax: int


@dataclass(frozen=True)
class DequantizeParams:
    """int8, uint8 or int16 -> float32: float(scale * (q - zero_point)); TFLite's double
    product of a float32 scale and an integer below 2^17 is exact, so one float32 multiply
    gives the same bits."""

    scale: float
    zero_point: int


@dataclass(frozen=True)
class SoftmaxParams:
    """softmax (reference fixed-point algorithm) over the last axis; output
    scale 1/256, zero point -128."""

    input_multiplier: int
    input_left_shift: int
    diff_min: int


@dataclass(frozen=True, eq=False)
class LutParams:
    """logistic and tanh: ``table[q + 128]`` is the output code of input q."""

    table: np.ndarray


@dataclass(frozen=True)
class MeanParams:
    """mean over ``count`` elements: (sum - count * input_zero_point) times the
    real multiplier in_scale / (out_scale * count), folded into (multiplier, shift)."""

    input_zero_point: int
    output_zero_point: int
    count: int
    multiplier: int
    shift: int


@dataclass(frozen=True)
class PadParams:
    """pad: padded cells hold the output zero point."""

    pad_value: int


@dataclass(frozen=True)
class NoParams:
    """reshape and concat: pure data movement."""
