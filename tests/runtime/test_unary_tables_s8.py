"""es_hard_swish_s8, es_elu_s8, es_rsqrt_s8 and es_neg_s8 (table lookups, the tables computed offline
in edgesmith.arith.unary_tables) against the golden simulator on every input code and
several formats (the simulator itself is checked against LiteRT in tests/ops)."""

import numpy as np
import pytest

from .harness import fmt, random_scale, random_zero_point
from .test_activations_s8 import c_lut, lut_case


@pytest.mark.parametrize("op_type", ["hard_swish", "elu", "rsqrt", "neg"])
def test_every_code_and_format(rt, rng, op_type):
    codes = np.arange(-128, 128, dtype=np.int8).reshape(4, 8, 8)
    formats = [(fmt(0.1, 0), fmt(0.05, -20)), (fmt(1.0, -128), fmt(0.5, 3)),
               (fmt(0.02, 17), fmt(0.3, -100)), (fmt(0.0625, 100), fmt(0.01, 0)),
               (fmt(random_scale(rng, 1e-2, 1.0), random_zero_point(rng)),
                fmt(random_scale(rng, 1e-2, 1.0), random_zero_point(rng)))]
    tables = set()
    for in_fmt, out_fmt in formats:
        case = lut_case(op_type, in_fmt, out_fmt, codes)
        golden = case.golden()
        np.testing.assert_array_equal(c_lut(rt, case), golden)
        tables.add(golden.tobytes())
    assert len(tables) == len(formats)  # each format gives its own table
