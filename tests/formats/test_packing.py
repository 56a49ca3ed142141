"""Sub-byte packing: the documented layout, round trips, and NumPy equal to C++."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from numpy.testing import assert_array_equal

from edgesmith import _sim
from edgesmith.ir.packing import pack_subbyte, unpack_subbyte, value_range


def test_first_value_in_the_low_bits():
    values = np.array([1, -2, 3], np.int8)
    assert pack_subbyte(values, 4).tolist() == [0xE1, 0x03]
    assert _sim.pack_subbyte(values, 4).tolist() == [0xE1, 0x03]
    # 2 bits: 1, -1, 0, -2 -> fields 01, 11, 00, 10 from the low end
    assert pack_subbyte(np.array([1, -1, 0, -2], np.int8), 2).tolist() == [0b10_00_11_01]
    assert pack_subbyte(np.array([3, 0, 2], np.uint8), 2).tolist() == [0b00_10_00_11]


@st.composite
def packable(draw):
    bits = draw(st.sampled_from([2, 4]))
    signed = draw(st.booleans())
    lo, hi = value_range(bits, signed)
    edges = st.sampled_from([lo, hi, 0, lo + 1, hi - 1])
    values = draw(st.lists(edges | st.integers(lo, hi), max_size=41))
    return np.array(values, np.int8 if signed else np.uint8), bits, signed


@given(packable())
def test_round_trip_and_both_implementations_agree(case):
    values, bits, signed = case
    packed = pack_subbyte(values, bits)
    assert packed.dtype == np.uint8 and packed.size == -(-values.size * bits // 8)
    assert_array_equal(_sim.pack_subbyte(values, bits), packed)
    for unpack in (unpack_subbyte, _sim.unpack_subbyte):
        back = unpack(packed, bits, values.size, signed)
        assert back.dtype == values.dtype
        assert_array_equal(back, values)
    assert_array_equal(unpack_subbyte(packed.tobytes(), bits, values.size, signed), values)


def test_partial_last_byte_is_zero_padded():
    assert pack_subbyte(np.array([-1], np.int8), 4).tolist() == [0x0F]
    assert pack_subbyte(np.array([-1, -1, -1], np.int8), 2).tolist() == [0b00_11_11_11]


@pytest.mark.parametrize("pack", [pack_subbyte, _sim.pack_subbyte])
def test_values_out_of_range_are_refused(pack):
    with pytest.raises(ValueError, match="does not fit 4 bits"):
        pack(np.array([0, 8], np.int8), 4)
    with pytest.raises(ValueError, match="does not fit 2 bits"):
        pack(np.array([4], np.uint8), 2)
    with pytest.raises(ValueError, match="2 or 4 bits"):
        pack(np.array([0], np.int8), 3)


@pytest.mark.parametrize("unpack", [unpack_subbyte, _sim.unpack_subbyte])
def test_unpacking_more_values_than_stored_is_refused(unpack):
    with pytest.raises(ValueError, match="hold at most 4 values"):
        unpack(np.zeros(2, np.uint8), 4, 5, True)
