"""The requantization primitives of es_nn_support.h against the simulator's.

``es_multiply_by_quantized_multiplier`` must equal the golden C++ primitive
for every shift and on ties; ``es_round_exact_scale`` must equal the double
formula of LiteRT's fully-connected kernel (libm round, x86-64 conversion).
"""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from edgesmith import _sim

from .harness import exact_scale

INT32 = np.iinfo(np.int32)
EDGE_INT32 = np.array([0, 1, -1, 2, -2, 3, -3, INT32.max, INT32.min, INT32.max - 1, INT32.min + 1,
                       1 << 30, -(1 << 30), (1 << 30) + 1, -(1 << 30) - 1, 255 << 20, -255 << 20,
                       (1 << 15) + 1, -(1 << 15) - 1, 12345678, -12345678], np.int32)


def c_mbqm(rt, x: np.ndarray, multiplier: int, shift: int) -> np.ndarray:
    out = np.empty_like(x)
    rt.lib.es_test_multiply_by_quantized_multiplier(rt.ptr("int32_t", x), x.size, multiplier,
                                                    shift, rt.ptr("int32_t", out))
    return out


def test_mbqm_edge_values_every_shift(rt, rng):
    multipliers = [0, 1, 1 << 30, (1 << 30) + 1, INT32.max, INT32.max - 1, 1518500250,
                   int(rng.integers(1 << 30, 1 << 31))]
    x = np.concatenate([EDGE_INT32, rng.integers(INT32.min, INT32.max, 2000, dtype=np.int32)])
    for shift in range(-31, 32):
        for m in multipliers:
            expected = _sim.multiply_by_quantized_multiplier(x, m, shift)
            np.testing.assert_array_equal(c_mbqm(rt, x, m, shift), expected)


def test_mbqm_edge_ties(rt):
    # multiplier 2^30 (one half): every odd value is a tie of the first rounding,
    # and right shifts make ties of the second one.
    x = np.arange(-4096, 4097, dtype=np.int32)
    for shift in (0, -1, -2, -5, -31):
        np.testing.assert_array_equal(c_mbqm(rt, x, 1 << 30, shift),
                                      _sim.multiply_by_quantized_multiplier(x, 1 << 30, shift))


@settings(max_examples=300, deadline=None)
@given(x=st.lists(st.integers(INT32.min, INT32.max), min_size=1, max_size=16),
       multiplier=st.integers(0, INT32.max), shift=st.integers(-31, 31))
def test_mbqm_hypothesis(rt, x, multiplier, shift):
    x = np.array(x, np.int32)
    np.testing.assert_array_equal(c_mbqm(rt, x, multiplier, shift),
                                  _sim.multiply_by_quantized_multiplier(x, multiplier, shift))


def c_round_exact(rt, x: np.ndarray, real: float) -> np.ndarray:
    s, out = exact_scale(real), np.empty_like(x)
    rt.lib.es_test_round_exact_scale(rt.ptr("int32_t", x), x.size, s["mantissa"], s["exponent"],
                                     rt.ptr("int32_t", out))
    return out


def c_round_double(rt, x: np.ndarray, real: float) -> np.ndarray:
    out = np.empty_like(x)
    rt.lib.es_test_round_double(rt.ptr("int32_t", x), x.size, real, rt.ptr("int32_t", out))
    return out


@pytest.mark.parametrize("real", [0.0, 0.5, 0.25, 1.0, 1.5, 2.0 ** -31, 2.0 ** -40, 3.0,
                                  2.0 ** 20, 123456.789, 0.1, 1 / 3, math.nextafter(0.5, 1),
                                  math.nextafter(0.5, 0), 2.0 ** -52 * 3])
def test_round_exact_scale_edge_scales(rt, rng, real):
    x = np.concatenate([EDGE_INT32, rng.integers(INT32.min, INT32.max, 20000, dtype=np.int32),
                        rng.integers(-3000, 3000, 5000, dtype=np.int32)])
    np.testing.assert_array_equal(c_round_exact(rt, x, real), c_round_double(rt, x, real))


def test_round_exact_scale_random_products_of_float32_scales(rt, rng):
    # The scales fully_connected really gets: double(s_in) * double(s_w) / double(s_out)
    # of float32 scales; accumulators near the products' rounding boundaries.
    x = np.concatenate([EDGE_INT32, rng.integers(-(1 << 24), 1 << 24, 3000, dtype=np.int32)])
    for _ in range(300):
        s_in, s_w, s_out = (float(np.float32(10.0 ** rng.uniform(-5, 1))) for _ in range(3))
        real = s_in * s_w / s_out
        np.testing.assert_array_equal(c_round_exact(rt, x, real), c_round_double(rt, x, real))


def test_round_exact_scale_ties(rt):
    # k + 1/2 exactly: half away from zero; and a product that only the 53-bit
    # rounding of the double turns into a tie.
    x = np.arange(-1001, 1002, dtype=np.int32)
    for real in (0.5, 1.5, 2.5, 0.125):
        np.testing.assert_array_equal(c_round_exact(rt, x, real), c_round_double(rt, x, real))
    near_half = math.nextafter(0.5, 1)
    big = np.array([(1 << 30) + 1, -(1 << 30) - 1, INT32.max, INT32.min], np.int32)
    np.testing.assert_array_equal(c_round_exact(rt, big, near_half),
                                  c_round_double(rt, big, near_half))

