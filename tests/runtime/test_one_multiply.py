"""The one-multiply output stage of conv and depthwise layers with narrow accumulators
(edgesmith.codegen.c_one_multiply) equals the reference requantization, and
es_conv2d_s8_w16 and es_depthwise_conv2d_s8_w16 (and its in-place twin) on it equal the
reference kernels, integer for integer.

The search's own check is not the oracle here: the stage is evaluated with Python
integers as SMMLAR and SSAT compute it, against the vectorized requantization, which
is itself compared with gemmlowp's scalar one (ties, left shifts, offsets, clamps).
The kernel cases are the fast-kernel tests' random conv calls with 4- and 2-bit inputs
(odd channel counts: the channels after the last block of 4; a window past the pair
buffer: the plain loop), outputs clamped to 4, 2 and 8 bits, offsets at the clamp's
minimum and inside it; the depthwise cases the table tests' planes (groups of channels,
lines by columns, bands, stride 2, in place, depth multipliers).
"""

import numpy as np
import pytest
from numpy.testing import assert_array_equal

from edgesmith.arith.gemmlowp import multiply_by_quantized_multiplier
from edgesmith.codegen.c_layouts import w16_layout
from edgesmith.codegen.c_layouts_dw import lines_are_columns, one_multiply_table
from edgesmith.codegen.c_one_multiply import one_multiply_stage, requantized

from .fast_harness import FAST_BUILDS
from .test_fast_dw_table import SHAPES, run_table, small_plane_call
from .test_fast_w16 import assert_runs_as_reference, conv_call, run_w16

# (raw input range, clamp): the layers of a QuantMCU low-bit branch
NARROW = [((-8, 7), (-8, 7)), ((-2, 1), (-2, 1)), ((-8, 7), (-128, 127)),
          ((-2, 1), (-128, 127)), ((-8, 7), (-20, 127))]
SSAT_BITS = {(-8, 7): 4, (-2, 1): 2}


def test_requantized_is_gemmlowps(rng):
    for case in range(60):
        multiplier = int(rng.choice([rng.integers(1 << 30, 1 << 31), 1 << 30, (1 << 31) - 1]))
        shift = int(rng.integers(-20, 3))
        offset, lo, hi = int(rng.integers(-128, 128)), -128 + case % 3 * 50, 127
        acc = np.concatenate([rng.integers(-(1 << 20), 1 << 20, 100), np.arange(-300, 300)])
        expected = [min(hi, max(lo, multiply_by_quantized_multiplier(int(a), multiplier, shift)
                                + offset)) for a in acc]
        assert_array_equal(requantized(acc, multiplier, shift, offset, lo, hi), expected)


def smmlar_ssat(acc: int, multiplier: int, constant: int, bits: int) -> int:
    high = (acc * multiplier + (constant << 32) + (1 << 31)) >> 32
    return min((1 << (bits - 1)) - 1, max(-(1 << (bits - 1)), high))


@pytest.mark.parametrize("inputs,act", NARROW)
def test_stage_equals_the_requantization_on_every_accumulator(rng, inputs, act):
    found = 0
    bits = SSAT_BITS.get(act, 8)
    for case in range(6):
        out_c, depth = int(rng.integers(1, 7)), int(rng.choice([1, 9, 16]))
        rows = rng.integers(-128, 128, (out_c, depth))
        bias = rng.integers(-3000, 3000, out_c)
        mult = rng.integers(1 << 30, (1 << 31) - 1, out_c)
        shift = rng.integers(-10, -4, out_c)
        offset = act[0] if case % 3 else int(rng.integers(act[0], act[1] + 1))
        stage = one_multiply_stage(rows, bias, mult, shift, offset, act, bits, inputs)
        if stage is None:
            continue
        found += 1
        assert np.all(np.abs(stage.scale * rows) < 1 << 15)
        low = bias + np.minimum(rows * inputs[0], rows * inputs[1]).sum(axis=1)
        high = bias + np.maximum(rows * inputs[0], rows * inputs[1]).sum(axis=1)
        for ch in range(out_c):
            acc = np.arange(low[ch], high[ch] + 1)
            start, m, c = (int(v[ch]) for v in (stage.start, stage.multiplier, stage.constant))
            got = [min(act[1], max(act[0], smmlar_ssat(start + stage.scale * (int(a) - int(
                bias[ch])), m, c, bits))) for a in acc]
            assert_array_equal(got, requantized(acc, int(mult[ch]), int(shift[ch]), offset, *act))
    assert found >= 3


def test_a_clamp_of_one_value(rng):
    # every output is the clamp's one value (a ReLU6 whose range rounds to one code): any
    # stage serves, and the search must give one rather than fail on the missing steps
    rows = rng.integers(-128, 128, (3, 9))
    stage = one_multiply_stage(rows, np.zeros(3), [1 << 30] * 3, [-9] * 3, -8, (5, 5), 8,
                               (-8, 7))
    assert stage is not None and len(stage.words()) == 9


def test_wide_accumulators_keep_the_usual_stage(rng):
    rows = rng.integers(-128, 128, (4, 27))
    stage = one_multiply_stage(rows, np.zeros(4), [1 << 30] * 4, [-9] * 4, -128, (-128, 127), 8,
                               (-128, 127))
    assert stage is None


def narrowed(rng, call, inputs, act):
    """``call`` with its inputs, clamp and requantization narrowed as a low-bit layer's."""
    a = call.args
    n = a["output_dims"]["c"]
    zero_point = int(rng.integers(inputs[0], inputs[1] + 1))
    a["input"] = rng.integers(inputs[0], inputs[1] + 1, a["input"].shape).astype(np.int8)
    a["params"].update(input_offset=-zero_point, activation={"min": act[0], "max": act[1]},
                       output_offset=act[0] if rng.random() < 0.7
                       else int(rng.integers(act[0], act[1] + 1)))
    a["multiplier"] = rng.integers(1 << 30, (1 << 31) - 1, n).astype(np.int32)
    a["shift"] = rng.integers(-10, -4, n)
    a["bias"] = rng.integers(-3000, 3000, n).astype(np.int32)
    return call


def narrow_call(rng, inputs, act):
    """A random conv call of the fast-kernel tests with its inputs and clamp narrowed."""
    return narrowed(rng, conv_call(rng, False), inputs, act)


def one_multiply_run(call, build, inputs, act) -> bool:
    """Run a call on its one-multiply stage against the reference; False where it has none."""
    a = call.args
    f, p = a["filter_dims"], a["params"]
    rows = a["filter"].astype(np.int64).reshape(f["n"], -1)
    _, folded = w16_layout(rows, a["bias"], p["input_offset"], 2, f["h"])
    stage = one_multiply_stage(rows, folded, a["multiplier"], a["shift"], p["output_offset"], act,
                               SSAT_BITS.get(act, 8), inputs)
    if stage is None:
        return False
    words, _ = w16_layout(rows, a["bias"], p["input_offset"], stage.scale, f["h"],
                          max(-inputs[0], inputs[1]))
    p["one_multiply_scale"] = stage.scale
    table = np.array(stage.words(), np.int32)
    return assert_runs_as_reference(call, lambda: run_w16(call, build, words, table))


@pytest.mark.parametrize("build", sorted(FAST_BUILDS))
def test_conv_w16_on_the_one_multiply_stage_equals_reference(rng, build):
    compared, tails = 0, set()
    for case in range(40):
        inputs, act = NARROW[case % len(NARROW)]
        call = narrow_call(rng, inputs, act)
        if one_multiply_run(call, build, inputs, act):
            compared += 1
            tails.add(call.args["filter_dims"]["n"] % 4)
    assert compared >= 20 and tails == {0, 1, 2, 3}


@pytest.mark.parametrize("build", sorted(FAST_BUILDS))
def test_conv_w16_one_multiply_past_the_pair_buffer(rng, build):
    # 3x3 over 80 channels: 360 pairs a window, more than the buffer holds (the plain loop)
    inputs, act = NARROW[0]
    call = narrow_call(rng, inputs, act)
    a = call.args
    h, w = a["input_dims"]["h"], a["input_dims"]["w"]
    a["params"].update(stride={"h": 1, "w": 1}, dilation={"h": 1, "w": 1},
                       padding={"h": 1, "w": 1})
    a["input"] = rng.integers(-8, 8, (1, h, w, 80)).astype(np.int8)
    a["input_dims"] = {"n": 1, "h": h, "w": w, "c": 80}
    a["filter"] = rng.integers(-6, 7, (5, 3, 3, 80)).astype(np.int8)
    a["filter_dims"] = {"n": 5, "h": 3, "w": 3, "c": 80}
    a["output_dims"] = {"n": 1, "h": h, "w": w, "c": 5}
    a["params"]["output_offset"] = act[0]
    a["multiplier"] = np.full(5, 1 << 30, np.int32)
    a["shift"] = np.full(5, -9)
    a["bias"] = np.zeros(5, np.int32)
    call.output_size = h * w * 5
    assert one_multiply_run(call, build, inputs, act)


@pytest.mark.parametrize("build", sorted(FAST_BUILDS))
def test_depthwise_table_on_the_one_multiply_stage_equals_reference(rng, build):
    compared, kinds = 0, set()
    for case, (h, w, c, stride) in enumerate(SHAPES):
        for mult, inplace in ((1, False), (1, True), (2, False)):
            inputs, act = NARROW[(case + mult + inplace) % len(NARROW)]
            call = narrowed(rng, small_plane_call(rng, h, w, c, stride, mult, inplace), inputs,
                            act)
            a, p, out = call.args, call.args["params"], call.args["output_dims"]
            table = one_multiply_table(a["filter"], a["bias"], a["multiplier"], a["shift"],
                                       p["input_offset"], p["output_offset"], act, inputs,
                                       lines_are_columns(out["h"], out["w"]))
            if table is None:
                continue
            assert np.all(table[:, 9] == 0)  # right 0: the stage's mark
            assert_runs_as_reference(call, lambda: run_table(call, build, table))
            compared += 1
            kinds.add((call.kernel, stride, mult))
    assert compared >= 2 * len(SHAPES)
    assert {k for k, _, _ in kinds} == {"es_depthwise_conv2d_s8",
                                        "es_depthwise_conv2d_s8_inplace"}
    assert {s for _, s, _ in kinds} == {1, 2} and max(m for _, _, m in kinds) > 1
