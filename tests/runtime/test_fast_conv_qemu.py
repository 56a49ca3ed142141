"""The M4's assembly blocks of es_conv2d_s8_w16 (es_nn_fast_conv_blocks.h) equal the simulator.

One-op conv2d graphs on int16 weights run as firmware under QEMU (mps2-an386), so the
SMLAD/SMMLAR/SSAT text the host never executes is compared bit for bit: windows of every
pairs % 4 (the TBB entry of the 2x4 loop), odd depths, channel counts with a tail after the
last block of 4 and more channels than one stage chunk (64), an odd pixel count (the last
pixel alone), strides 1 and 2, padding and dilation, and per-channel scales that put some
blocks on the general stage (a left shift) between blocks that take the assembly stage.
"""

import numpy as np
import pytest

from tests.boards.helpers import needs_cross, needs_qemu

from .harness import fmt
from .test_conv_s8 import conv_case

# QEMU runs (about 5 s a graph): in the slow suite; the default suite runs the M4 conv blocks
# through tests/runtime/test_fast_kernels_qemu.py
pytestmark = [needs_cross, needs_qemu, pytest.mark.slow]

# (H, W, C, KH, KW, stride, dilation, pads (top, bottom, left, right)), output channels;
# depths 27 (14 pairs: % 4 = 2), 9 (5 pairs: 1), 12 (6: 2), 6 (3: 3), 16 (8: 0)
GEOMETRIES = [
    ((7, 9, 3, 3, 3, (1, 1), (1, 1), (1, 1, 1, 1)), 70),
    ((9, 7, 1, 3, 3, (2, 2), (1, 1), (0, 1, 0, 1)), 13),
    ((6, 5, 12, 1, 1, (1, 1), (1, 1), (0, 0, 0, 0)), 24),
    ((7, 7, 2, 3, 1, (1, 2), (2, 1), (2, 1, 0, 1)), 9),
    ((5, 6, 16, 1, 1, (2, 1), (1, 1), (0, 0, 0, 0)), 36),
]


def scales(rng, channels: int) -> list[float]:
    """Per-channel weight scales: mostly right shifts, with one channel in every third block
    scaled past 1 (a left shift: that block takes the general stage)."""
    w = [float(np.float32(rng.uniform(2e-3, 2e-2))) for _ in range(channels)]
    for oc in range(1, channels, 12):
        w[oc] = 40.0
    return w


@pytest.mark.parametrize("geometry,out_c", GEOMETRIES)
def test_conv_w16_blocks_on_the_emulated_m4(rng, geometry, out_c):
    from edgesmith.codegen.options import CodeOptions
    from edgesmith.verify.qemu import verify_qemu

    checked = 0
    # "relu" at zero point -128 and "none" clamp to the int8 range (SSAT #8); relu6 at
    # zero point -8, scale 0.4 clamps to -8..7 (SSAT #4), at -2, scale 2 to -2..1 (SSAT #2),
    # at -20, scale 0.04 to -20..127 (SSAT #8, the block's outputs narrowed after it);
    # extreme inputs and weights on the first
    clamps = (("relu", -128, 0.04, True), ("none", 5, 0.04, False), ("relu6", -8, 0.4, False),
              ("relu6", -2, 2.0, False), ("relu6", -20, 0.04, False))
    for act, zero_point, out_scale, extremes in clamps:
        case = conv_case(rng, geometry, out_c, act=act, extremes=extremes, batch=2,
                         w_scales=scales(rng, out_c), in_fmt=fmt(0.05, int(rng.integers(-128, 128))),
                         out_fmt=fmt(out_scale, zero_point))
        options = CodeOptions(optimize="speed")
        assert {x.layout for x in options.layouts(case.graph)} == {"int16"}
        report = verify_qemu(case.graph, case.feeds, board="mps2-an386", options=options)
        assert report.samples == 2 and report.ok, (geometry, act, report.first_mismatch)
        checked += 1
    assert checked == len(clamps)
