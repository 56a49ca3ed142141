"""FixedFormat: construction, spelling, JSON, and quantization against FORMATS.md."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_array_equal

from edgesmith import _sim
from edgesmith.ir import FixedFormat, NumberFormat
from edgesmith.ir.fixed import OVERFLOW_MODES, ROUNDING_MODES
from edgesmith.sim.fixed_kernels import cast_fixed

from .oracle import quantize, real

# FORMATS.md: ap_fixed<3,2,Q,SAT> for 1.25, -1.25, 0.75, -0.75
FORMATS_VECTORS = {
    "TRN": (1, -1.5, 0.5, -1),
    "TRN_ZERO": (1, -1, 0.5, -0.5),
    "RND": (1.5, -1, 1, -0.5),
    "RND_ZERO": (1, -1, 0.5, -0.5),
    "RND_MIN_INF": (1, -1.5, 0.5, -1),
    "RND_INF": (1.5, -1.5, 1, -1),
    "RND_CONV": (1, -1, 1, -1),
}


@pytest.mark.parametrize("rounding", ROUNDING_MODES)
def test_formats_md_vectors(rounding):
    fmt = FixedFormat(3, 2, rounding=rounding, overflow="SAT")
    raw = fmt.quantize(np.array([1.25, -1.25, 0.75, -0.75]))
    assert raw.dtype == np.int32
    assert_array_equal(fmt.dequantize(raw), np.array(FORMATS_VECTORS[rounding], np.float32))


def test_rounding_carry_overflows_then_saturates():
    # 1.75 rounds up to 2.0, beyond ap_fixed<3,2>'s 1.5: SAT gives 1.5, WRAP gives -2
    assert FixedFormat(3, 2, rounding="RND", overflow="SAT").quantize([1.75])[0] == 3
    assert FixedFormat(3, 2, rounding="RND", overflow="WRAP").quantize([1.75])[0] == -4
    assert FixedFormat(3, 2, rounding="RND", overflow="SAT_ZERO").quantize([1.75])[0] == 0


def test_sat_sym_is_symmetric_from_two_bits_on():
    assert FixedFormat(4, 4, overflow="SAT_SYM").quantize([-100.0, 100.0]).tolist() == [-7, 7]
    assert FixedFormat(4, 4, overflow="SAT_SYM").quantize([-8.0]).tolist() == [-7]
    # one bit: the headers have no symmetric range and saturate like SAT
    assert FixedFormat(1, 1, overflow="SAT_SYM").quantize([-5.0, 5.0]).tolist() == [-1, 0]


formats = st.builds(
    lambda width, signed, **kw: FixedFormat(width - (not signed and width == 32), signed=signed,
                                            **kw),
    width=st.integers(1, 32),
    integer_bits=st.integers(-8, 40),
    signed=st.booleans(),
    rounding=st.sampled_from(ROUNDING_MODES),
    overflow=st.sampled_from(OVERFLOW_MODES),
)


def edge_values(fmt: FixedFormat):
    """Reals near what matters: ties and quarter steps around the LSB grid, and the range ends."""
    lsb = Fraction(2) ** -fmt.frac_bits
    anchors = st.sampled_from([0, fmt.qmin, fmt.qmax, fmt.qmin - 1, fmt.qmax + 1, -1, 1])
    steps = st.one_of(anchors, st.integers(2 * fmt.qmin - 4, 2 * fmt.qmax + 4))
    return st.builds(lambda n, quarter: (n + Fraction(quarter, 4)) * lsb, steps,
                     st.integers(-3, 3))


@settings(max_examples=400, deadline=None)
@given(data=st.data(), fmt=formats)
def test_quantize_matches_the_formats_md_oracle(data, fmt):
    values = data.draw(st.lists(edge_values(fmt), min_size=1, max_size=16))
    floats = np.array([float(v) for v in values])
    expected = [quantize(Fraction(f), fmt) for f in floats]  # the float actually passed
    assert fmt.quantize(floats).tolist() == expected


@settings(max_examples=300, deadline=None)
@given(data=st.data(), target=formats, source=formats)
def test_cast_matches_the_oracle_or_is_refused(data, target, source):
    raw = data.draw(st.lists(st.integers(source.qmin, source.qmax), min_size=1, max_size=16))
    if target.frac_bits < -source.integer_bits and target.rounding != "TRN" \
            and not (target.rounding == "TRN_ZERO" and not source.signed):
        with pytest.raises(ValueError, match="cast refused"):
            cast_fixed(np.array(raw), source, target)
        return
    expected = [quantize(real(r, source), target) for r in raw]
    assert cast_fixed(np.array(raw), source, target).tolist() == expected


def test_dequantize_is_exact():
    fmt = FixedFormat(8, -2)  # LSB 2^-10
    assert_array_equal(fmt.dequantize(np.array([-128, 1, 127])),
                       np.array([-0.125, 2.0 ** -10, 127 * 2.0 ** -10], np.float32))


def test_non_finite_values_are_refused():
    with pytest.raises(ValueError, match="inf or NaN"):
        FixedFormat(8, 3).quantize([np.nan])


@pytest.mark.parametrize("text, expected", [
    ("ap_fixed<16,6>", FixedFormat(16, 6)),
    ("ap_ufixed<8, 0, AP_RND, AP_SAT>", FixedFormat(8, 0, False, "RND", "SAT")),
    ("fixed<16,6,RND_CONV,SAT_SYM>", FixedFormat(16, 6, True, "RND_CONV", "SAT_SYM")),
    ("ap_fixed<4,-2,AP_TRN_ZERO,AP_WRAP,0>", FixedFormat(4, -2, True, "TRN_ZERO", "WRAP")),
])
def test_parse_and_describe(text, expected):
    fmt = FixedFormat.parse(text)
    assert fmt == expected
    assert FixedFormat.parse(fmt.describe()) == fmt
    assert FixedFormat.parse(fmt.ap_type()) == fmt


def test_describe_spelling():
    assert FixedFormat(16, 6, rounding="RND", overflow="SAT").describe() == "fixed<16,6,RND,SAT>"
    assert FixedFormat(8, 0, signed=False).describe() == "ufixed<8,0,TRN,WRAP>"
    assert FixedFormat(8, 0, signed=False).ap_type() == "ap_ufixed<8,0,AP_TRN,AP_WRAP>"


@given(fmt=formats)
def test_json_round_trip(fmt):
    back = NumberFormat.from_json(fmt.to_json())
    assert back == fmt and hash(back) == hash(fmt)


@pytest.mark.parametrize("kwargs, message", [
    (dict(width=0, integer_bits=0), "1 to 32 bits"),
    (dict(width=33, integer_bits=0), "1 to 32 bits"),
    (dict(width=32, integer_bits=0, signed=False), "at most 31 bits"),
    (dict(width=8, integer_bits=100), "integer_bits"),
    (dict(width=8, integer_bits=2, rounding="ROUND"), "unknown rounding"),
    (dict(width=8, integer_bits=2, overflow="CLAMP"), "unknown overflow"),
    (dict(width=8, integer_bits=2, overflow="WRAP_SM"), "WRAP_SM"),
    (dict(width=8, integer_bits=2, saturation_bits=2), "saturation bits"),
])
def test_unsupported_formats_are_refused(kwargs, message):
    with pytest.raises(ValueError, match=message):
        FixedFormat(**kwargs)


@pytest.mark.parametrize("text", ["ap_fixed<8,2,AP_RND,AP_WRAP_SM>",
                                  "ap_fixed<8,2,AP_RND,AP_SAT,1>", "ap_int<8>", "ap_fixed<8>"])
def test_parse_refuses(text):
    with pytest.raises(ValueError):
        FixedFormat.parse(text)


def test_simulator_type_mirrors_the_format():
    t = FixedFormat(12, -3, signed=False, rounding="RND_INF", overflow="SAT_ZERO").sim_type()
    assert (t.width, t.int_bits, t.signed, t.frac_bits) == (12, -3, False, 15)
    with pytest.raises(ValueError, match="WRAP_SM"):
        _sim.FixedType(8, 2, True, "RND", "WRAP_SM")
