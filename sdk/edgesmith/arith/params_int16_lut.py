"""Parameters of TFLite Micro's table-based int16 kernels: LOGISTIC and TANH (the sigmoid
table of :mod:`.sigmoid_table`, interpolated) and int16 -> int16 SOFTMAX (two 513-entry
interpolation tables, exp on [-10, 0] and 1 / (1 + x) on [0, 1]).

What ``Prepare`` computes, as TFLite Micro computes it: the input stage of logistic/tanh
rescales x to 1 / (3 * 4096) per code (a 15-bit multiplier and a rounding right shift, or
a bare factor 3 << shift for the power-of-two scales it special-cases), and softmax's
tables are built in single precision exactly as its ``LUTPopulate<int16_t>`` builds them,
so the simulator, the C runtime and TFLite Micro read the same numbers.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from ..errors import UnsupportedError
from ..ir import Graph, Op
from . import multiplier as mq

#: output scale of int16 logistic, tanh and softmax: Q0.15
OUTPUT_SCALE_LOG2 = -15
#: largest input multiplier whose product with an int16 code stays in int32
_MAX_INPUT_MULTIPLIER = 65535


def checked_log2(scale: float) -> tuple[int, bool]:
    """TFLite's ``CheckedLog2`` in float32: (log2 rounded, whether it is within 1e-3 of it)."""
    x = np.float32(math.log(np.float32(scale))) * (np.float32(1) / np.float32(math.log(2.0)))
    rounded = np.float32(np.round(np.float32(x)))
    return int(rounded), bool(abs(np.float32(x) - rounded) < np.float32(1e-3))


def _int16_scale(op: Op, graph: Graph, name: str) -> float:
    fmt = graph.tensors[name].fmt
    if fmt is None or fmt.bits != 16 or fmt.per_channel or int(fmt.scalar()[1]) != 0:
        raise UnsupportedError(f"{op.origin or op.type}: tensor {name!r} must be int16 with one "
                               "scale and zero point 0 (TFLite's 16x8 scheme)")
    return float(np.float32(fmt.scalar()[0]))


def _check_q015_output(op: Op, graph: Graph) -> None:
    log2, exact = checked_log2(_int16_scale(op, graph, op.outputs[0]))
    if not exact or log2 != OUTPUT_SCALE_LOG2:
        raise UnsupportedError(f"{op.origin or op.type}: int16 {op.type} needs output scale "
                               "1/32768 and zero point 0 (TFLite Micro refuses other formats)")


@dataclass(frozen=True)
class Sigmoid16Params:
    """logistic and tanh on int16: v = (x * input_multiplier + round) >> input_left_shift,
    then the interpolated sigmoid table; ``input_multiplier`` 0 means the power-of-two
    case, v = x * (3 << input_left_shift)."""

    input_multiplier: int
    input_left_shift: int


def sigmoid16_params(op: Op, graph: Graph) -> Sigmoid16Params:
    _check_q015_output(op, graph)
    scale = _int16_scale(op, graph, op.inputs[0])
    log2, power_of_two = checked_log2(scale)
    shift = 12 + log2  # 15 - 3 integer bits of the table's Q3.12 input
    if power_of_two and shift in ((0, 1) if op.type == "tanh" else (0,)):
        return Sigmoid16Params(0, shift)
    multiplier, shift = scale * 4096.0 * 3.0, 0
    while multiplier <= 32767.0 / 2.0 and shift <= 30:
        shift += 1
        multiplier *= 2.0
    if int(multiplier) > _MAX_INPUT_MULTIPLIER:
        raise UnsupportedError(f"{op.origin or op.type}: int16 {op.type} input scale {scale:g} "
                               "is too large (above about 5.3 its rescaling leaves int32)")
    return Sigmoid16Params(int(multiplier), shift)


def _roundf(x: np.float32) -> np.float32:
    """C ``roundf`` (ties away from zero) of a float32."""
    return np.float32(mq.round_half_away(float(x)))


def lut_int16(input_scale: float, input_zero_point: int, output_scale: float,
              function) -> np.ndarray:
    """TFLite's ``LUTPopulate<int16_t>`` (output zero point 0) in float32: 512 samples of
    ``function`` over the int16 input range, each nudged by half the interpolation error at
    its midpoint, and the value at the top end."""
    f32 = np.float32
    scale_in, scale_out = f32(input_scale), f32(output_scale)
    lo, hi = scale_in * f32(-32768 - input_zero_point), scale_in * f32(32767 - input_zero_point)
    step = (hi - lo) / f32(512)
    half = step / f32(2)
    inverse = f32(65536) / (scale_out * f32(32767) - scale_out * f32(-32768))
    table = []
    for i in range(512):
        value = function(lo + f32(i) * step)
        midpoint = function(lo + f32(i) * step + half)
        following = function(lo + f32(i + 1) * step)
        interpolated = _roundf((following * inverse + _roundf(value * inverse)) / f32(2))
        bias = _roundf((interpolated - _roundf(midpoint * inverse)) / f32(2))
        table.append(_roundf(value * inverse) - bias)
    table.append(_roundf(function(hi) * inverse))
    out = np.clip(np.array(table, np.float64), -32768, 32767).astype(np.int16)
    out.setflags(write=False)
    return out


def _exp(x: np.float32) -> np.float32:
    return np.float32(math.exp(float(x)))  # expf: the double result rounded to float


def _one_over_one_plus(x: np.float32) -> np.float32:
    return np.float32(1) / (np.float32(1) + np.float32(x))


@lru_cache(maxsize=1)
def softmax16_tables() -> tuple[np.ndarray, np.ndarray]:
    """(exp table on [-10, 0], 1 / (1 + x) table on [0, 1]), both Q0.15, as TFLite Micro's
    softmax builds them: they do not depend on the model."""
    span = 65535  # int16 max - min
    exp = lut_int16(np.float32(10.0) / np.float32(span), 32767,
                    np.float32(2.0) / np.float32(span), _exp)
    reciprocal = lut_int16(np.float32(1.0) / np.float32(span), -32768,
                           np.float32(2.0) / np.float32(span), _one_over_one_plus)
    return exp, reciprocal


@dataclass(frozen=True, eq=False)
class Softmax16Params:
    """int16 softmax: the difference to the row maximum rescaled so that [-65535, 0] spans
    [-10, 0] (``input_multiplier``, ``input_left_shift``), then the two tables."""

    input_multiplier: int
    input_left_shift: int
    exp_table: np.ndarray
    reciprocal_table: np.ndarray


def softmax16_params(op: Op, graph: Graph) -> Softmax16Params:
    out_scale = _int16_scale(op, graph, op.outputs[0])
    if abs(out_scale - 1 / 32768) > 0.001 / 32768:
        raise UnsupportedError(f"{op.origin or op.type}: int16 softmax needs output scale "
                               "1/32768 and zero point 0 (TFLite Micro refuses other formats)")
    beta = float(np.float32(op.attrs.get("beta", 1.0)))
    real = _int16_scale(op, graph, op.inputs[0]) * beta / (10.0 / 65535.0)
    multiplier, shift = mq.quantize_multiplier(real)
    if shift > 15:  # 65535 << shift would leave int32 before the rounding multiply
        raise UnsupportedError(f"{op.origin or op.type}: int16 softmax input scale times beta "
                               f"({real * 10 / 65535:g}) is too large")
    return Softmax16Params(multiplier, shift, *softmax16_tables())


BUILDERS = {"logistic": sigmoid16_params, "tanh": sigmoid16_params, "softmax": softmax16_params}
