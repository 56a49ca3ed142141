"""The kernel set each emulated board gets (fast on Cortex-M3/M4/M33/M55) equals the simulator.

One-op graphs with random odd shapes, strides 1 and 2, padding, depth multipliers and
extreme values run as firmware under QEMU: the DSP loops on the M4/M33/M55 (SMLAD and
friends, which the host never executes), the portable loops on the M3; conv and dense on
int8 weights (--optimize size) and on int16 weights laid out offline (--optimize speed);
3x3 depthwise on its int8 weights and on the per-channel table (es_depthwise_conv2d_s8_w16).
"""

import numpy as np
import pytest

from tests.boards.helpers import needs_cross, needs_qemu

from .test_conv_s8 import conv_case
from .test_fully_connected_s8 import fc_case

pytestmark = [needs_cross, needs_qemu]

# (H, W, C, KH, KW, stride, dilation, pads (top, bottom, left, right))
GEOMETRIES = [
    (9, 7, 5, 3, 3, (1, 1), (1, 1), (1, 1, 1, 1)),
    (8, 9, 12, 3, 3, (2, 2), (1, 1), (0, 1, 0, 1)),
    (6, 5, 8, 1, 1, (1, 1), (1, 1), (0, 0, 0, 0)),
    (7, 7, 3, 2, 3, (1, 2), (2, 1), (1, 1, 2, 0)),
]


#: depthwise geometries that take the per-channel table (3x3, dilation 1)
TABLE_GEOMETRIES = sum(g[3:5] == (3, 3) and g[6] == (1, 1) for g in GEOMETRIES)


def cases(rng):
    from .harness import fmt

    for k, geometry in enumerate(GEOMETRIES):
        yield conv_case(rng, geometry, 7 + k, extremes=k % 2 == 1, batch=3)
        # scales of real layers (a right shift), so every channel takes the short stage
        channels = geometry[2] * (1 + k % 2)
        yield conv_case(rng, geometry, 0, depthwise=True, multiplier=1 + k % 2,
                        extremes=k % 2 == 0, batch=3, w_scales=[0.02] * channels,
                        in_fmt=fmt(0.05, int(rng.integers(-128, 128))),
                        out_fmt=fmt(0.03, int(rng.integers(-128, 128))))
    yield fc_case(rng, (3, 37), 9)


def check_on(board: str, rng, optimize: str) -> int:
    from edgesmith.codegen.options import CodeOptions
    from edgesmith.verify.qemu import verify_qemu

    ops = 0
    for case in cases(rng):
        options = CodeOptions(optimize=optimize)
        layouts = {x.layout for x in options.layouts(case.graph)}
        if case.op.type == "depthwise_conv2d" and not layouts:  # int8 only: once is enough
            if optimize == "speed":
                continue
        else:
            assert layouts == {"int16" if optimize == "speed" else "int8"}
        report = verify_qemu(case.graph, case.feeds, board=board, options=options)
        assert report.samples == 3 and report.ok, (case.op.type, report.first_mismatch)
        ops += 1
    return ops


def expected_ops(optimize: str) -> int:
    """Cases run: depthwise without a table only with int8 weights."""
    return len(GEOMETRIES) + 1 + (len(GEOMETRIES) if optimize == "size" else TABLE_GEOMETRIES)


@pytest.mark.parametrize("optimize", ["speed", "size"])
def test_fast_kernels_on_the_emulated_m4(rng, optimize):
    assert check_on("mps2-an386", rng, optimize) == expected_ops(optimize)


@pytest.mark.slow
@pytest.mark.parametrize("optimize", ["speed", "size"])
@pytest.mark.parametrize("board", ["mps2-an385", "mps2-an505", "mps3-an547", "mps2-an500"])
def test_fast_kernels_on_other_emulated_cores(rng, board, optimize):
    assert check_on(board, rng, optimize) == expected_ops(optimize)


# 3x3 depthwise planes whose lines are columns (taller than wide), odd line lengths (a pair
# loop and the odd output), stride 2 (single outputs); the first in the default suite
PLANES = [
    (11, 5, 6, 3, 3, (1, 1), (1, 1), (1, 1, 1, 1)),
    pytest.param((13, 5, 4, 3, 3, (2, 2), (1, 1), (1, 1, 1, 1)), marks=pytest.mark.slow),
    pytest.param((6, 9, 3, 3, 3, (1, 1), (1, 1), (1, 1, 1, 1)), marks=pytest.mark.slow),
]


@pytest.mark.parametrize("geometry", PLANES)
def test_fast_depthwise_planes_on_the_emulated_m4(rng, geometry):
    # the DSP loops of es_nn_fast_dw3x3.h (the int8 clamp: "relu" at zero point -128, "none";
    # other clamps) in one graph each; scales with right shifts, so every channel takes the
    # planes
    from edgesmith.verify.qemu import verify_qemu

    from .harness import fmt

    # scales in powers of 2 ("none"): one output in 16 is a tie, rounded away from zero
    # relu6 (clamp 3..127) and relu_n1_to_1 (-30..36, many outputs clamped at both ends)
    # take the M4 loop's compare clamp (es_dw3x3_band_dsp_range), as a low-bit branch does
    for act, w_scale, in_scale, out_scale in (("relu", 0.02, 0.05, 0.03),
                                              ("none", 2.0 ** -6, 2.0 ** -3, 2.0 ** -4),
                                              ("relu6", 0.02, 0.05, 0.03),
                                              ("relu_n1_to_1", 0.02, 0.05, 0.03)):
        case = conv_case(rng, geometry, 0, depthwise=True, act=act, batch=2,
                         w_scales=[w_scale] * geometry[2], in_fmt=fmt(in_scale, -128),
                         out_fmt=fmt(out_scale, -128 if act == "relu" else 3))
        report = verify_qemu(case.graph, case.feeds, board="mps2-an386")
        assert report.samples == 2 and report.ok, (geometry, act, report.first_mismatch)


def test_fast_residual_add_on_the_emulated_m4(rng):
    # inputs of the output's shape, 1,024 elements and more (the flat loop over doubled tables):
    # its DSP pairs with the int8 clamp and an odd element count, its C loop under relu6
    from edgesmith.verify.qemu import verify_qemu

    from .harness import fmt
    from .test_elementwise_s8 import binary_case

    # scales in powers of 2: half the sums are ties, rounded away from zero on both signs
    ties = [fmt(2.0 ** -4, 0), fmt(2.0 ** -4, 0), fmt(2.0 ** -3, 0)]
    formats = [fmt(0.05, -3), fmt(0.08, 10), fmt(0.1, -128)]
    for shape, act, f in (((1, 9, 13, 9), "relu", formats), ((1, 9, 13, 9), "none", ties),
                          ((1, 8, 8, 16), "relu6", ties)):
        case = binary_case(rng, "add", (shape, shape), formats=f, act=act, batch=2)
        report = verify_qemu(case.graph, case.feeds, board="mps2-an386")
        assert report.samples == 2 and report.ok, (shape, act, report.first_mismatch)


# 3x3 depthwise layers on the per-channel table (es_depthwise_conv2d_s8_w16): small planes
# several channels per pass (groups of four widened together, a remainder, a group of 40
# planes and more, lines by columns), stride-2 pairs, planes in several bands written in
# place over rows no later band reads; the first two in the default suite
TABLE_PLANES = [
    (6, 6, 21, (1, 1), (1, 1, 1, 1), "relu"),
    (47, 48, 3, (1, 1), (1, 1, 1, 1), "relu6"),
    pytest.param(3, 3, 43, (1, 1), (1, 1, 1, 1), "none", marks=pytest.mark.slow),
    pytest.param(12, 12, 9, (2, 2), (0, 1, 0, 1), "relu6", marks=pytest.mark.slow),
    pytest.param(48, 48, 4, (2, 2), (0, 1, 0, 1), "relu", marks=pytest.mark.slow),
    pytest.param(25, 5, 7, (1, 1), (1, 1, 1, 1), "relu_n1_to_1", marks=pytest.mark.slow),
]


@pytest.mark.parametrize("h, w, c, stride, pads, act", TABLE_PLANES)
def test_fast_depthwise_table_on_the_emulated_m4(rng, h, w, c, stride, pads, act):
    from edgesmith.codegen.options import CodeOptions
    from edgesmith.verify.qemu import verify_qemu

    from .harness import fmt

    case = conv_case(rng, (h, w, c, 3, 3, stride, (1, 1), pads), 0, depthwise=True, act=act,
                     batch=2, w_scales=[0.02] * c, in_fmt=fmt(0.05, int(rng.integers(-128, 0))),
                     out_fmt=fmt(0.03, -128 if act == "relu" else 3))
    options = CodeOptions(optimize="speed")
    assert [x.layout for x in options.layouts(case.graph)] == ["int16"]
    report = verify_qemu(case.graph, case.feeds, board="mps2-an386", options=options)
    assert report.samples == 2 and report.ok, ((h, w, c, stride), act, report.first_mismatch)
