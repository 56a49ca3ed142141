"""Low-bit range values: thinning keeps whole positions (every channel), not every k-th value."""

import numpy as np
from edgesmith.frontends.builder import GraphBuilder
from edgesmith.quant.mixed_patch import width_units
from edgesmith.quant.vdqs_ranges import low_bit_range, low_bit_values
from numpy.testing import assert_array_equal

from .graphs import int8_and_plan


def dead_and_live_graph():
    """x 8x8x1 -> conv 1x1 to 2 channels: channel 0 = 0 * x (always 0), channel 1 = x
    -> conv 3x3 pads 1 to 2 channels (the split op)."""
    b = GraphBuilder("dead_live")
    x = b.input("x", (1, 8, 8, 1))
    a = b.op("conv2d", [x, b.const("w", np.array([0.0, 1.0]).reshape(2, 1, 1, 1)), None],
             {"activation": "relu"}, name="a")
    w = np.random.default_rng(0).normal(0, 0.5, (2, 3, 3, 2))
    return b.finish([b.op("conv2d", [a, b.const("w2", w), None], {"pads": (1, 1, 1, 1)},
                          name="out")])


def test_thinning_keeps_every_channel_of_a_position():
    g = dead_and_live_graph()
    calib = np.random.default_rng(1).uniform(0.5, 1.0, (6, 8, 8, 1)).astype(np.float32)
    q, plan = int8_and_plan(g, calib, split=1, grid=2)
    units = width_units(q, plan)
    assert units == [("x",), ("a",)]
    low = np.ones((6, len(plan.patches)), bool)
    full = low_bit_values(g, plan, calib, low, units, max_values=1 << 30)[1]
    assert full.size % 4 == 0
    # a stride of 2 over single values would keep channel 0 only: all zeros
    thinned = low_bit_values(g, plan, calib, low, units, max_values=full.size // 2)[1]
    assert_array_equal(thinned, full.reshape(-1, 2)[::2].ravel())
    assert thinned[1::2].min() >= 0.5 and not thinned[0::2].any()
    assert low_bit_range(thinned, 4, "minmax").hi == thinned.max() >= 0.5  # not the dead one
