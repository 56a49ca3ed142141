"""logistic and tanh (int8): a 256-entry table built in float32 with the C
library's expf/tanhf, exactly as LiteRT builds it. Every input code is tried."""

import numpy as np
import pytest
from edgesmith.frontends.tflite import load_tflite
from edgesmith.arith.params import LutParams, compute_params
from hypothesis import given
from hypothesis import strategies as st

from tests.ops.oracle import assert_bit_exact
from tests.ops.strategies import op_settings, scales, zero_points
from tests.ops.tflite_writer import T, single_op

ALL_CODES = np.arange(-128, 128, dtype=np.int8).reshape(256, 1)
OUTPUT_FORMATS = {"LOGISTIC": [(-128, 1 / 256)], "TANH": [(0, 1 / 128), (-5, 0.01)]}


def lut_model(op, in_fmt, out_fmt):
    (zi, si), (zo, so) = in_fmt, out_fmt
    return single_op(op, [T((1, 1), scale=[si], zero_point=[zi])],
                     [T((1, 1), scale=[so], zero_point=[zo])])


@pytest.mark.parametrize("op", ["LOGISTIC", "TANH"])
@pytest.mark.parametrize("in_fmt", [(0, 0.0625), (-128, 0.03), (127, 0.03), (5, 1.0), (0, 1e-3)])
def test_every_code_matches_litert(tmp_path, op, in_fmt):
    for out_fmt in OUTPUT_FORMATS[op]:
        assert_bit_exact(lut_model(op, in_fmt, out_fmt), ALL_CODES, tmp_path)


def test_table_is_indexed_by_code_plus_128(tmp_path):
    path = tmp_path / "logistic.tflite"
    path.write_bytes(lut_model("LOGISTIC", (0, 0.1), (-128, 1 / 256)))
    graph = load_tflite(path)
    p = compute_params(graph.ops[0], graph)
    assert isinstance(p, LutParams) and p.table.shape == (256,) and p.table.dtype == np.int8
    assert p.table[128] == 0  # logistic(0) = 0.5 -> 128/256 -> code 0
    assert np.all(np.diff(p.table.astype(int)) >= 0)  # monotone


@op_settings
@given(op=st.sampled_from(["LOGISTIC", "TANH"]), zp=zero_points, scale=scales)
def test_random_input_formats(tmp_path, op, zp, scale):
    assert_bit_exact(lut_model(op, (zp, scale), OUTPUT_FORMATS[op][0]), ALL_CODES, tmp_path)
