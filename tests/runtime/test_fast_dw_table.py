"""es_depthwise_conv2d_s8_w16 (and its in-place twin) on the per-channel table laid out offline
equals the reference es_depthwise_conv2d_s8 on the weights, bias and requantization the table
came from, integer for integer.

The table comes from the code generator's own function (edgesmith.codegen.c_layouts_dw), which
also decides whether a layer takes it. The calls: the fast-kernel tests' random 3x3 layers
(odd channel counts, strides 1 and 2, every padding, depth multipliers, extreme multipliers
and shifts: the layers whose table is refused are counted, not compared), planes small
enough to run several channels per pass (6x6, 3x3, 12x12, 25x5 by columns; channel counts
that leave a remainder after the groups of four and after a full group), planes larger
than a band, every clamp, and accumulators that reach just below 2^29, where the short
output stage still holds.
"""

import numpy as np
import pytest

from edgesmith.codegen.c_layouts_dw import dw3x3_table, lines_are_columns, shape_fits

from . import test_fast_kernels as base
from .test_fast_w16 import assert_runs_as_reference
from .fast_harness import FAST_BUILDS, Call, library, random_activation


def table_of(call: Call) -> np.ndarray | None:
    """The call's table as the generator writes it, or None where the layer keeps int8."""
    a, p = call.args, call.args["params"]
    f, out = a["filter_dims"], a["output_dims"]
    stride = (p["stride"]["h"], p["stride"]["w"])
    if (f["h"], f["w"]) != (3, 3) or (p["dilation"]["h"], p["dilation"]["w"]) != (1, 1) or \
            abs(p["input_offset"]) > 32640 or not shape_fits(out["h"], out["w"], stride):
        return None
    return dw3x3_table(a["filter"], a["bias"], a["multiplier"], a["shift"], p["input_offset"],
                       p["output_offset"], lines_are_columns(out["h"], out["w"]))


def run_table(call: Call, build: str, table: np.ndarray) -> tuple[int, np.ndarray]:
    ffi, lib = library(build)
    a = call.args
    table = np.ascontiguousarray(table.reshape(-1), np.int32)
    common = (ffi.new("es_dw_conv_params *", a["params"]), ffi.new("es_dims *", a["input_dims"]))
    tail = (ffi.new("es_dims *", a["filter_dims"]), ffi.from_buffer("int32_t[]", table),
            ffi.new("es_dims *", a["output_dims"]))
    if call.kernel.endswith("_inplace"):
        return call.run_in_place(lib.es_depthwise_conv2d_s8_w16_inplace, ffi, common, tail)
    x = np.ascontiguousarray(a["input"])
    out = np.zeros(call.output_size, np.int8)
    status = lib.es_depthwise_conv2d_s8_w16(ffi.NULL, *common, ffi.from_buffer("int8_t[]", x),
                                            *tail, ffi.from_buffer("int8_t[]", out))
    return status, out


def assert_table_equals_reference(call: Call, build: str) -> bool:
    """Compare one call; False where the layer keeps its int8 weights (nothing compared)."""
    table = table_of(call)
    return table is not None and assert_runs_as_reference(
        call, lambda: run_table(call, build, table))


def small_plane_call(rng, h: int, w: int, c: int, stride: int, mult: int = 1,
                     inplace: bool = False, near_bound: bool = False) -> Call:
    """A 3x3 layer of real-layer scales (every channel takes the table); ``near_bound``:
    every |x + offset| at its largest and weights of one sign, the bias putting each
    channel's accumulator 1..4 below 2^29 (right shifts 1 and 21..23 among them)."""
    pads = [int(v) for v in rng.integers(0, 2, 2)] if min(h, w) >= 3 else [1, 1]
    oh = (h + 2 * pads[0] - 3) // stride + 1
    ow = (w + 2 * pads[1] - 3) // stride + 1
    out_c = c * mult
    offset = int(rng.integers(-127, 129))
    x = rng.integers(-128, 128, (1, h, w, c)).astype(np.int8)
    weights = rng.integers(-128, 128, (1, 3, 3, out_c)).astype(np.int8)
    bias = rng.integers(-50000, 50000, out_c).astype(np.int32)
    shift = rng.integers(-12, 0, out_c)
    if near_bound:
        shift = rng.choice([-1, -8, -21, -22, -23], out_c)
        x, weights, bias = base.at_the_bound(rng, x, weights, offset,
                                             (1 << 29) - rng.integers(1, 5, out_c))
    params = {"input_offset": offset,
              "output_offset": int(rng.choice([-128, 127, int(rng.integers(-128, 128))])),
              "stride": {"h": stride, "w": stride}, "dilation": {"h": 1, "w": 1},
              "padding": {"h": pads[0], "w": pads[1]}, "activation": random_activation(rng),
              "depth_multiplier": mult}
    args = {"params": params,
            "multiplier": rng.integers(1 << 30, (1 << 31) - 1, out_c).astype(np.int32),
            "shift": shift, "bias": bias, "input": x, "filter": weights,
            "input_dims": {"n": 1, "h": h, "w": w, "c": c},
            "filter_dims": {"n": 1, "h": 3, "w": 3, "c": out_c},
            "output_dims": {"n": 1, "h": oh, "w": ow, "c": out_c}}
    kernel = "es_depthwise_conv2d_s8" + ("_inplace" if inplace and mult == 1 else "")
    return Call(kernel, args, oh * ow * out_c)


@pytest.mark.parametrize("build", sorted(FAST_BUILDS))
@pytest.mark.parametrize("extremes", [False, True])
def test_random_3x3_layers_on_the_table_equal_reference(rng, build, extremes):
    compared = refused = 0
    kinds = set()
    while compared < base.CASES // 2:
        call = base.window_call(rng, True, extremes)
        a = call.args
        if (a["filter_dims"]["h"], a["filter_dims"]["w"]) != (3, 3) or \
                a["params"]["dilation"] != {"h": 1, "w": 1}:
            continue
        if assert_table_equals_reference(call, build):
            compared += 1
            kinds.add((call.kernel, a["params"]["stride"]["w"], a["params"]["depth_multiplier"]))
        else:
            refused += 1
    # both entries, both strides along the lines, depth multipliers above 1
    assert {k for k, _, _ in kinds} == {"es_depthwise_conv2d_s8",
                                        "es_depthwise_conv2d_s8_inplace"}
    assert {s for _, s, _ in kinds} == {1, 2} and max(m for _, _, m in kinds) > 1
    assert refused > 0  # left shifts (and extreme multipliers) refuse the short stage


# (h, w, channels, stride): the groups (6x6, 3x3, 12x12 by rows; 25x5 by columns), a group of
# 40 planes with 5 more, channel counts with a remainder after the groups of four, planes of
# one band (24x24, 70x9 by columns) and of several (48x48, 47x48, 30x200: the bands keep the
# lines they share, and in place write straight over rows no later band reads; 40x30 by
# columns: in place through the scratch), and the loops' odd output of a line
SHAPES = [(6, 6, 19, 1), (6, 6, 8, 2), (3, 3, 45, 1), (3, 3, 6, 1), (12, 12, 13, 1),
          (12, 12, 17, 2), (25, 5, 10, 1), (25, 5, 7, 2), (24, 24, 3, 1), (48, 48, 2, 2),
          (48, 48, 2, 1), (47, 48, 2, 1), (30, 200, 3, 1), (30, 201, 2, 2), (40, 30, 3, 1),
          (70, 9, 3, 1), (5, 7, 5, 1), (7, 7, 4, 2), (1, 3, 5, 1), (3, 1, 6, 2)]


@pytest.mark.parametrize("build", sorted(FAST_BUILDS))
@pytest.mark.parametrize("near_bound", [False, True], ids=["random", "near-2^29"])
def test_small_and_large_planes_on_the_table_equal_reference(rng, build, near_bound):
    for h, w, c, stride in SHAPES:
        for mult, inplace in ((1, False), (1, True), (2, False)):
            call = small_plane_call(rng, h, w, c, stride, mult, inplace, near_bound)
            assert assert_table_equals_reference(call, build), (h, w, c, stride)


def test_the_table_refuses_what_the_short_stage_cannot_hold(rng):
    call = small_plane_call(rng, 6, 6, 4, 1, near_bound=True)
    a = call.args
    assert table_of(call) is not None
    a["bias"][2] += int(np.sign(a["bias"][2]) or 1) * 8  # channel 2's bound reaches 2^29
    assert table_of(call) is None
    a["bias"][2] -= int(np.sign(a["bias"][2]) or 1) * 8
    for field, value in (("shift", 0), ("shift", -24), ("multiplier", -5)):
        kept = a[field][1]
        a[field][1] = value
        assert table_of(call) is None, (field, value)
        a[field][1] = kept
    # three lines of 420 outputs (+ the window's reach, rounded to words) fit 1,280 values
    assert shape_fits(1, 420, (1, 1)) and shape_fits(420, 3, (1, 1))
    assert not shape_fits(1, 430, (1, 1)) and not shape_fits(430, 3, (1, 1))


@pytest.mark.parametrize("build", sorted(FAST_BUILDS))
def test_shapes_outside_the_table_are_refused_by_the_kernel(rng, build):
    call = small_plane_call(rng, 6, 6, 4, 1)
    table = table_of(call)
    call.args["params"]["dilation"] = {"h": 2, "w": 1}
    assert run_table(call, build, table)[0] != 0
