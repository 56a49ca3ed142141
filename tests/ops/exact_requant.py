"""Exact big-integer definitions of TFLite's requantization steps.

Written from the mathematical definition (rounding rules stated below), not
from the C++ code, so the simulator's primitives can be checked against them.
"""

from __future__ import annotations

INT32_MIN, INT32_MAX = -(1 << 31), (1 << 31) - 1


def wrap32(x: int) -> int:
    """Two's-complement wrap to int32."""
    return (x + (1 << 31)) % (1 << 32) - (1 << 31)


def high_mul(a: int, b: int) -> int:
    """round(2ab / 2^32) = round(ab / 2^31), ties toward +infinity;
    INT32_MIN * INT32_MIN (the only overflow) saturates to INT32_MAX."""
    if a == b == INT32_MIN:
        return INT32_MAX
    return (a * b + (1 << 30)) >> 31  # Python's >> floors


def divide_by_pot(x: int, exponent: int) -> int:
    """round(x / 2^exponent), ties away from zero."""
    if exponent == 0:
        return x
    magnitude = (abs(x) + (1 << (exponent - 1))) >> exponent
    return magnitude if x >= 0 else -magnitude


def requantize(x: int, multiplier: int, shift: int) -> int:
    """x * multiplier * 2^(shift - 31) with the two roundings: a left shift
    (wrapping) for shift > 0, the high multiply, then the rounding right shift."""
    left, right = max(shift, 0), max(-shift, 0)
    return divide_by_pot(high_mul(wrap32(x << left), multiplier), right)


def requantize_single_rounding(x: int, multiplier: int, shift: int) -> int:
    """The single-rounding variant: round(x * multiplier / 2^(31 - shift)), ties up."""
    total = 31 - shift
    return (x * multiplier + (1 << (total - 1))) >> total
