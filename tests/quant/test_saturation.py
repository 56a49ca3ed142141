"""Values that saturated, wrapped or were clipped, per tensor, on constructed cases."""

import numpy as np
import pytest

from edgesmith.quant import quantize_graph
from edgesmith.quant.saturation import count_overflows

from .graphs import dense

#: one feature through y = 1.0 * x: y = fixed<4,2> holds [-2, 1.75] in steps of 0.25
CALIB = np.array([[-3.0], [-2.0], [-1.9], [0.0], [1.7], [1.8], [1.9], [2.5]], np.float32)


@pytest.mark.parametrize("overflow,kind", [("SAT", "saturated"), ("WRAP", "wrapped"),
                                           ("SAT_ZERO", "saturated"), ("SAT_SYM", "saturated")])
def test_fixed_output_counts(overflow, kind):
    g = dense([[1.0]], [0.0])
    q = quantize_graph(g, CALIB, scheme="fixed", precision={"y": f"fixed<4,2,RND,{overflow}>"})
    counts = {c.tensor: c for c in count_overflows(q, CALIB, g)}
    # -3 and 2.5 are out of range, and 1.9 rounds (RND) up to 2.0, one LSB past 1.75;
    # SAT_SYM also takes -2.0 (its range is [-1.75, 1.75]); -1.9 rounds to -2.0 too
    expected = 5 if overflow == "SAT_SYM" else 3
    y = counts["y"]
    assert (y.count, y.kind, y.total, y.op_index, y.op_type) == (expected, kind, 8, 0,
                                                                  "fully_connected")
    assert counts["x"].count == 0 and counts["x"].op_type == "input"
    assert count_overflows(q, CALIB, g)[0].tensor == "y"  # most first


def test_fixed_input_counts_from_the_float_data():
    g = dense([[1.0]], [0.0])
    q = quantize_graph(g, CALIB, scheme="fixed", precision={"x": "fixed<6,2>"})
    counts = {c.tensor: c for c in count_overflows(q, CALIB)}
    assert counts["x"].count == 2  # -3.0 and 2.5; 1.9 rounds to 1.875 (max 2 - 1/16)


def test_affine_clipping_counts_values_beyond_the_calibrated_range():
    g = dense([[0.5, -1.0]], [0.25], activation="relu")
    rng = np.random.default_rng(0)
    q = quantize_graph(g, rng.uniform(-1, 1, (200, 2)).astype(np.float32), scheme="int8")
    wide = rng.uniform(-3, 3, (100, 2)).astype(np.float32)
    counts = {c.tensor: c for c in count_overflows(q, wide, g)}
    scale, zp = q.tensors["x"].fmt.scalar()
    q_x = np.round(wide.astype(np.float64) / scale) + zp
    assert counts["x"].count == np.count_nonzero((q_x < -128) | (q_x > 127)) > 0
    assert counts["x"].kind == "clipped" and counts["y"].total == 100
    # no clipping of a relu output below zero: the float value is clamped already
    y_float = np.maximum(wide @ np.array([0.5, -1.0]) + 0.25, 0)
    s, z = q.tensors["y"].fmt.scalar()
    assert counts["y"].count == np.count_nonzero(np.round(y_float / s) + z > 127)
