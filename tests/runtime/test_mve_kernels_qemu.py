"""The Helium (MVE) kernels the Cortex-M55 gets (runtime/kernels/mve) equal the simulator.

Depthwise: channel counts not a multiple of 8 (the predicated tail and an odd last
parity, offset per tap) beside full groups of eight (the offset folded, a band of padded
rows: both int8 zero-point extremes stand in for padded taps), strides 1 and 2, padding on
every side and wider than the window's reach, dilation, 3x3 (assembly) and other windows,
depth multiplier 2 (the plain loop); packed 3x3 rows two pixels at a time
(es_nn_mve_dw3x3.h) at strides 1 and 2, rows of odd length, band rows copied two pixels
per gather (up to 248 channels) or one at a time. The planner's in-place variant (its band, or its ring of output rows) runs in every
depthwise layer of vww_96_int8, which the slow suite verifies on every emulated board.

One-op graphs run as firmware on the emulated M55 (mps3-an547), which executes the vector
instructions the host never does: windows longer and shorter than a vector and not a
multiple of 16, output channels not a multiple of 4 and more than a call prepares at once,
the 1x1 path that reads the input in place, padding with the input zero point at both
int8 extremes, left and right shifts of the requantization (tiny and large weight scales),
every activation, and windows too long for the column (the plain loop). Windows of at most
32 values (one or two vectors, in place for 1x1 or gathered in batches) with channel counts
not a multiple of 8 and more than one packing chunk (32). Longer windows go two columns at a
time (es_nn_mve_pw.h): runs of odd length (a lone last column), channel tails.

Dense: depths not a multiple of 16, row counts not a multiple of 4, both output stages'
extreme shifts, both zero-point extremes.
"""

import numpy as np
import pytest

from edgesmith.codegen import generate_c
from edgesmith.codegen.c_kernel_sets import kernel_set_for
from tests.boards.helpers import needs_cross, needs_qemu

from .harness import fmt
from .test_conv_s8 import conv_case

pytestmark = [needs_cross, needs_qemu, pytest.mark.slow]

BOARD = "mps3-an547"
# (H, W, C, KH, KW, stride, dilation, pads (top, bottom, left, right)), output channels,
# input zero point, weight scales (None: random)
CASES = [
    ((6, 5, 8, 1, 1, (1, 1), (1, 1), (0, 0, 0, 0)), 13, -128, None),   # 1x1 in place, K < 16
    ((4, 4, 37, 1, 1, (1, 1), (1, 1), (0, 0, 0, 0)), 70, 127, None),   # K tail, 70 > a chunk
    ((9, 7, 3, 3, 3, (2, 2), (1, 1), (1, 1, 1, 1)), 8, 127, None),     # VWW's first layer
    ((7, 7, 5, 3, 3, (1, 1), (2, 2), (2, 2, 2, 2)), 6, -128, None),    # dilated, padded
    ((5, 6, 19, 2, 3, (1, 2), (1, 1), (1, 0, 2, 0)), 5, 3, [8.0] * 5),  # left shifts
    ((5, 5, 16, 3, 3, (1, 1), (1, 1), (1, 1, 1, 1)), 4, -7, [1e-6] * 4),  # long right shifts
    ((3, 3, 130, 3, 3, (1, 1), (1, 1), (1, 1, 1, 1)), 3, 0, None),     # 1,170 taps: plain loop
    ((5, 7, 24, 1, 1, (1, 1), (1, 1), (0, 0, 0, 0)), 45, 127, None),   # K = 24 in place, 2 chunks
    ((6, 9, 2, 3, 3, (2, 1), (1, 1), (2, 0, 1, 2)), 11, -128, [8.0] * 11),  # K = 18 gathered
    ((9, 4, 5, 1, 3, (1, 1), (1, 1), (0, 0, 1, 1)), 33, 127, [1e-6] * 33),  # K = 15, 33 channels
    ((3, 5, 40, 1, 1, (1, 1), (1, 1), (0, 0, 0, 0)), 11, -128, [8.0] * 11),  # odd pixel run
    ((3, 4, 100, 3, 3, (1, 1), (1, 1), (1, 1, 1, 1)), 9, 5, None),    # K = 900: one per batch
]


def test_the_m55_gets_the_mve_set():
    assert kernel_set_for("cortex-m55") == "mve"


@pytest.mark.parametrize("k", range(len(CASES)))
def test_mve_conv_equals_the_simulator(rng, tmp_path, k):
    from edgesmith.verify.qemu import verify_qemu

    geometry, out_c, zero_point, w_scales = CASES[k]
    case = conv_case(rng, geometry, out_c, extremes=k % 2 == 1, batch=3, w_scales=w_scales,
                     in_fmt=fmt(0.05, zero_point))
    folder = generate_c(case.graph, tmp_path / "model", kernel_set="mve").folder
    assert (folder / "runtime" / "kernels" / "mve" / "es_conv2d_s8.c").is_file()
    report = verify_qemu(case.graph, case.feeds, board=BOARD)
    assert report.samples == 3 and report.ok, report.first_mismatch
    assert np.abs(case.feeds["x0"]).max() > 0


# (H, W, C, KH, KW, stride, dilation, pads), depth multiplier, input zero point
DEPTHWISE = [
    ((9, 7, 16, 3, 3, (1, 1), (1, 1), (1, 1, 1, 1)), 1, -128),
    ((8, 9, 13, 3, 3, (2, 2), (1, 1), (0, 1, 0, 1)), 1, 127),
    ((7, 7, 5, 3, 3, (1, 1), (2, 2), (2, 2, 2, 2)), 1, 5),
    ((6, 5, 24, 5, 5, (1, 2), (1, 1), (2, 2, 2, 2)), 1, -3),
    ((5, 6, 3, 3, 3, (1, 1), (1, 1), (1, 1, 1, 1)), 2, 0),
    ((7, 9, 24, 3, 3, (2, 1), (1, 1), (1, 2, 2, 1)), 1, 127),   # packed 3x3, stride 2 rows
    ((6, 5, 16, 3, 2, (1, 1), (2, 1), (3, 3, 2, 2)), 1, -128),  # packed, dilated, wide padding
    ((5, 5, 8, 3, 3, (1, 1), (1, 1), (1, 1, 1, 1)), 1, 5),      # an 8-channel band
    ((7, 9, 16, 3, 3, (2, 2), (1, 1), (1, 1, 1, 1)), 1, -128),  # stride 2, odd rows
    ((6, 10, 8, 3, 3, (1, 2), (1, 1), (0, 1, 0, 1)), 1, 127),   # SAME stride 2 across, odd
    ((4, 3, 264, 3, 3, (1, 1), (1, 1), (1, 1, 1, 1)), 1, -128), # band copies pixel by pixel
    ((7, 10, 8, 3, 3, (1, 3), (1, 1), (1, 1, 1, 1)), 1, 5),     # packed 3x3, stride 3: taps
]


@pytest.mark.parametrize("k", range(len(DEPTHWISE)))
def test_mve_depthwise_equals_the_simulator(rng, k):
    from edgesmith.verify.qemu import verify_qemu

    geometry, multiplier, zero_point = DEPTHWISE[k]
    case = conv_case(rng, geometry, 0, depthwise=True, multiplier=multiplier,
                     extremes=k % 2 == 0, batch=3, in_fmt=fmt(0.05, zero_point))
    report = verify_qemu(case.graph, case.feeds, board=BOARD)
    assert report.samples == 3 and report.ok, report.first_mismatch



# input shape, output rows, input zero point, weight scales (None: random per channel)
DENSE = [
    ((33,), 8, -128, [float(2.0 ** e) for e in (-30, -20, -12, -4, 0, 2, 4, 6)]),
    ((16,), 5, 127, None),
    ((7, 9), 13, 3, None),
]


@pytest.mark.parametrize("k", range(len(DENSE)))
def test_mve_dense_equals_the_simulator(rng, tmp_path, k):
    from edgesmith.verify.qemu import verify_qemu

    from .test_fully_connected_s8 import fc_case

    shape, rows, zero_point, w_scales = DENSE[k]
    case = fc_case(rng, shape, rows, extremes=True, w_scales=w_scales,
                   in_fmt=fmt(0.05, zero_point), out_fmt=fmt(0.2, -zero_point // 2))
    folder = generate_c(case.graph, tmp_path / "model", kernel_set="mve").folder
    assert (folder / "runtime" / "kernels" / "mve" / "es_fully_connected_s8.c").is_file()
    report = verify_qemu(case.graph, case.feeds, board=BOARD)
    assert report.samples == 3 and report.ok, report.first_mismatch
