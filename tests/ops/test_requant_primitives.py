"""The simulator's requantization primitives against exact big-integer formulas.

Hypothesis drives edge values: ties (products that land exactly halfway),
INT32_MIN saturation, multipliers at the ends of [2^30, 2^31) and shifts at
+/-31.
"""

from fractions import Fraction
from math import floor

import numpy as np
from edgesmith import _sim
from hypothesis import example, given, settings
from hypothesis import strategies as st

from tests.ops.exact_requant import (
    INT32_MAX,
    INT32_MIN,
    divide_by_pot,
    high_mul,
    requantize,
    requantize_single_rounding,
)

int32s = st.one_of(st.integers(INT32_MIN, INT32_MAX),
                   st.sampled_from([INT32_MIN, INT32_MIN + 1, -1, 0, 1, INT32_MAX - 1, INT32_MAX]))
multipliers = st.one_of(st.integers(1 << 30, INT32_MAX), st.sampled_from([1 << 30, INT32_MAX]))
shifts = st.integers(-31, 31)


@settings(max_examples=400, deadline=None)
@given(int32s, int32s)
@example(INT32_MIN, INT32_MIN)   # the one saturating product
@example(-3, 1 << 30)            # ab / 2^31 = -1.5: ties go up, to -1
@example(3, 1 << 30)             # 1.5 -> 2
def test_high_mul_matches_exact(a, b):
    assert _sim.sat_rounding_doubling_high_mul(a, b) == high_mul(a, b)


@settings(max_examples=400, deadline=None)
@given(int32s, st.integers(0, 31))
@example(-3, 1)                  # -1.5 -> -2: ties away from zero
@example(3, 1)                   # 1.5 -> 2
@example(INT32_MIN, 31)
@example(INT32_MAX, 31)
def test_divide_by_pot_matches_exact(x, exponent):
    assert _sim.rounding_divide_by_pot(x, exponent) == divide_by_pot(x, exponent)


@settings(max_examples=400, deadline=None)
@given(st.lists(int32s, min_size=1, max_size=8), multipliers, shifts)
@example([INT32_MIN, INT32_MAX, 0], 1 << 30, 31)
@example([INT32_MIN, INT32_MAX, -1], INT32_MAX, -31)
def test_requantize_matches_exact(xs, multiplier, shift):
    got = _sim.multiply_by_quantized_multiplier(np.array(xs, np.int32), multiplier, shift)
    assert got.tolist() == [requantize(x, multiplier, shift) for x in xs]


@settings(max_examples=200, deadline=None)
@given(st.integers(-(1 << 20), 1 << 20), multipliers, st.integers(-31, -1))
def test_two_roundings_differ_from_one_only_near_ties(x, multiplier, shift):
    double = requantize(x, multiplier, shift)
    single = requantize_single_rounding(x, multiplier, shift)
    assert abs(double - single) <= 1
    exact = Fraction(x * multiplier, 2 ** (31 - shift))
    if double != single:
        # the high multiply moved the value by at most half of its step, 2^shift
        # output units, across a .5 boundary
        assert abs(exact - floor(exact) - Fraction(1, 2)) <= Fraction(2) ** (shift - 1)


def test_tie_cases_are_where_double_rounding_shows():
    # x * M = 1.5 * 2^k: the high multiply rounds first, then the shift rounds again
    x, multiplier, shift = 3, 1 << 30, -1  # 3 * 0.5 * 0.5 = 0.75
    assert requantize(x, multiplier, shift) == 1
    assert _sim.multiply_by_quantized_multiplier(np.array([x], np.int32), multiplier, shift)[0] == 1
    # -0.75: the high multiply gives -1 (from -1.5, ties up), the shift keeps -1
    assert requantize(-x, multiplier, shift) == -1


def test_shift_outside_range_is_refused():
    import pytest

    with pytest.raises(ValueError, match="shift"):
        _sim.multiply_by_quantized_multiplier(np.zeros(1, np.int32), 1 << 30, 32)
