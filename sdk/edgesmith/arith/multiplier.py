"""Real multipliers as integers, and fused-activation bounds, as TFLite computes them.

These are the scalar building blocks of :mod:`edgesmith.arith.params`. Each
follows the double/float arithmetic of TFLite's ``Prepare`` code exactly
(which operations are done in float32 and which in double matters for the
last bit of a multiplier), so a C implementation that receives the integers
computed here needs no floating point at all.
"""

from __future__ import annotations

import math

import numpy as np

#: a real multiplier M is applied as x * multiplier * 2^(shift - 31)
Q31_ONE = 1 << 31


def round_half_away(x: float) -> int:
    """Round to nearest, ties away from zero (C ``round``)."""
    r = math.floor(abs(x) + 0.5)
    return int(r if x >= 0 else -r)


def quantize_multiplier(real: float) -> tuple[int, int]:
    """``real`` (>= 0, a double) as (multiplier in [2^30, 2^31), shift).

    frexp splits real = q * 2^e with q in [0.5, 1); the multiplier is q * 2^31
    rounded half away from zero (a carry to 2^31 halves it and bumps the
    shift). Multipliers below 2^-31 flush to (0, 0): every product rounds to 0.
    """
    if real < 0 or not math.isfinite(real):
        raise ValueError(f"cannot quantize multiplier {real!r}")
    if real == 0.0:
        return 0, 0
    q, shift = math.frexp(real)
    q_fixed = round_half_away(q * Q31_ONE)
    if q_fixed == Q31_ONE:
        q_fixed //= 2
        shift += 1
    if shift < -31:
        return 0, 0
    if q_fixed > Q31_ONE - 1:
        raise ValueError(f"multiplier {real!r} overflows int32")
    return q_fixed, shift


def quantize_multiplier_below_one(real: float) -> tuple[int, int]:
    """As :func:`quantize_multiplier`, for 0 < real < 1 (shift <= 0)."""
    if not 0.0 < real < 1.0:
        raise ValueError(f"multiplier {real!r} must lie in (0, 1)")
    return quantize_multiplier(real)


def quantize_multiplier_above_one(real: float) -> tuple[int, int]:
    """As :func:`quantize_multiplier`, for real > 1 (shift >= 0)."""
    if not real > 1.0:
        raise ValueError(f"multiplier {real!r} must exceed 1")
    return quantize_multiplier(real)


def quantize_real(scale: float, zero_point: int, real: float) -> int:
    """``real`` as a code of (scale, zero_point): float32 division, then C ``roundf``."""
    quotient = np.float32(real) / np.float32(scale)
    return zero_point + round_half_away(float(quotient))


def activation_range(activation: str, scale: float, zero_point: int, qmin: int,
                     qmax: int) -> tuple[int, int]:
    """Clamp bounds of a fused activation on an output of (scale, zero_point)."""
    bounds = {"none": (None, None), "relu": (0.0, None), "relu6": (0.0, 6.0),
              "relu_n1_to_1": (-1.0, 1.0)}
    try:
        lo, hi = bounds[activation]
    except KeyError:
        raise ValueError(f"unknown fused activation {activation!r}") from None
    act_min = qmin if lo is None else max(qmin, quantize_real(scale, zero_point, lo))
    act_max = qmax if hi is None else min(qmax, quantize_real(scale, zero_point, hi))
    return act_min, act_max


def softmax_input_scaling(beta: float, input_scale: float,
                          integer_bits: int = 5) -> tuple[int, int, int]:
    """(input_multiplier, input_left_shift, diff_min) of the int8 reference softmax.

    The input difference x - max is scaled by beta * input_scale into a
    fixed-point number with ``integer_bits`` integer bits; the multiplier is
    capped at 2^31 - 1 (larger values would only saturate). diff_min is the
    most negative difference whose scaled value still fits; below it exp()
    underflows to 0 and the kernel skips the element.
    """
    real = min(float(beta) * float(input_scale) * float(1 << (31 - integer_bits)),
               float(Q31_ONE - 1))
    multiplier, left_shift = quantize_multiplier_above_one(real)
    return multiplier, left_shift, -input_radius(integer_bits, left_shift)


def input_radius(integer_bits: int, left_shift: int, total_signed_bits: int = 31) -> int:
    """Largest |input difference| that the scaled fixed-point value can hold."""
    radius = (1.0 * ((1 << integer_bits) - 1) * float(1 << (total_signed_bits - integer_bits))
              / float(1 << left_shift))
    return math.floor(radius)
