"""Scalar fixed-point primitives of TFLite's integer kernels (gemmlowp's), on Python ints.

Each follows the C arithmetic it stands for bit for bit: int32/int16 results wrap as the
C casts do, divisions truncate toward zero, right shifts are arithmetic. The unary tables
(:mod:`.unary_tables`) and the int8 parameters of l2_normalization are built from them
offline, so that no kernel needs them at run time.
"""

from __future__ import annotations


def wrap(x: int, bits: int = 32) -> int:
    """``x`` cast to a signed integer of ``bits`` bits (two's complement wrap)."""
    x &= (1 << bits) - 1
    return x - (1 << bits) if x >> (bits - 1) else x


def trunc_div(a: int, b: int) -> int:
    """C integer division: the quotient rounded toward zero."""
    q = abs(a) // abs(b)
    return q if (a >= 0) == (b > 0) else -q


def srdhm(a: int, b: int, bits: int = 32) -> int:
    """SaturatingRoundingDoublingHighMul: round(a * b / 2^(bits-1)), halves away from zero;
    the one overflowing case (both the minimum) saturates."""
    lo = -(1 << (bits - 1))
    if a == b == lo:
        return -lo - 1
    ab = a * b
    nudge = (1 << (bits - 2)) if ab >= 0 else 1 - (1 << (bits - 2))
    return wrap(trunc_div(ab + nudge, 1 << (bits - 1)), bits)


def rounding_divide_by_pot(x: int, exponent: int) -> int:
    """x / 2^exponent rounded to nearest, halves away from zero."""
    mask = (1 << exponent) - 1
    threshold = (mask >> 1) + (1 if x < 0 else 0)
    return (x >> exponent) + (1 if (x & mask) > threshold else 0)


def saturating_multiply_by_pot(x: int, exponent: int, bits: int = 32) -> int:
    """x * 2^exponent: a saturating left shift, or a rounding right shift."""
    if exponent <= 0:
        return rounding_divide_by_pot(x, -exponent)
    threshold = (1 << (bits - 1 - exponent)) - 1
    if x > threshold:
        return (1 << (bits - 1)) - 1
    if x < -threshold:
        return -(1 << (bits - 1))
    return x << exponent


def multiply_by_quantized_multiplier(x: int, multiplier: int, shift: int) -> int:
    """TFLite's double-rounding requantization: x * multiplier * 2^(shift - 31)."""
    left, right = max(shift, 0), max(-shift, 0)
    return rounding_divide_by_pot(srdhm(wrap(x * (1 << left)), multiplier), right)


def inv_sqrt_multiplier_exp(value: int, reverse_shift: int) -> tuple[int, int]:
    """1 / sqrt(value) as (multiplier, shift): TFLite's GetInvSqrtQuantizedMultiplierExp,
    five Newton-Raphson steps in Q3.28 from the guess 1 (0 and 1 give (INT32_MAX, 0))."""
    if value <= 1:
        return (1 << 31) - 1, 0
    shift = 11
    while value >= 1 << 29:
        value = trunc_div(value, 4)
        shift += 1
    leading_zeros = 32 - value.bit_length()
    pairs = (leading_zeros - 1) // 2 - 1
    shift -= pairs
    value <<= 2 * pairs
    x_in = value >> 1                                  # Q3.28
    half_in = rounding_divide_by_pot(x_in, 1)
    half_three = (1 << 28) + (1 << 27)                 # 1.5 in Q3.28
    x = 1 << 28                                        # 1.0 in Q3.28
    for _ in range(5):
        x3 = saturating_multiply_by_pot(srdhm(srdhm(x, x), x), 6)
        x = saturating_multiply_by_pot(wrap(srdhm(half_three, x) - srdhm(half_in, x3)), 3)
    x = srdhm(x, 1518500250)                           # times sqrt(2) / 2 in Q0.31
    if shift < 0:
        x = wrap(x << -shift)
        shift = 0
    return x, shift * reverse_shift
