"""The fast kernels on int16 weights laid out offline (es_conv2d_s8_w16, es_fully_connected_s8_w16)
equal the reference kernels on the int8 weights the layout came from, integer for integer.

The layout and the folded bias come from the code generator's own functions
(edgesmith.codegen.c_layouts). The random calls are the fast-kernel tests': odd channel
counts and counts not divisible by the blocks of 4 rows, odd depths (a padded last pair),
strides, paddings, dilations, extreme multipliers and shifts, biases near the int32 limits
where the folded bias still fits (the layout's precondition, checked as the generator
checks it); windows and rows longer than the buffers take the plain loops.
"""

import numpy as np
import pytest

from edgesmith.codegen.c_layouts import w16_layout

from . import test_fast_kernels as base
from .fast_harness import FAST_BUILDS, Call, conv_quant, fc_quant, library


def laid_out(call: Call) -> tuple[np.ndarray, np.ndarray] | None:
    """(words, folded bias) of a call's weights, or None where the layout does not apply
    (the generator's own function: conv rows doubled, each kernel row starting on a pair;
    dense rows as they are)."""
    a = call.args
    rows = a["filter"].astype(np.int64).reshape(a["filter"].shape[0], -1)
    rows = rows + a["params"].get("filter_offset", 0)
    conv = call.kernel == "es_conv2d_s8"
    return w16_layout(rows, a["bias"], a["params"]["input_offset"], 2 if conv else 1,
                      a["filter_dims"]["h"] if conv else 1)


def run_w16(call: Call, build: str, words: np.ndarray, folded: np.ndarray):
    ffi, lib = library(build)
    a = call.args
    keep = [words, folded]

    def ptr(ctype, arr):
        arr = np.ascontiguousarray(arr)
        keep.append(arr)
        return ffi.from_buffer(f"{ctype}[]", arr)

    out = np.zeros(call.output_size, np.int8)
    if call.kernel == "es_fully_connected_s8":
        status = lib.es_fully_connected_s8_w16(
            ffi.NULL, ffi.new("es_fc_params *", a["params"]), fc_quant(ffi, ptr, a, keep),
            ffi.new("es_fc_dims *", a["dims"]), ptr("int8_t", a["input"]),
            ptr("int32_t", words), ptr("int32_t", folded), ptr("int8_t", out))
        return status, out
    status = lib.es_conv2d_s8_w16(
        ffi.NULL, ffi.new("es_conv_params *", a["params"]), conv_quant(ffi, ptr, a),
        ffi.new("es_dims *", a["input_dims"]), ptr("int8_t", a["input"]),
        ffi.new("es_dims *", a["filter_dims"]), ptr("int32_t", words), ptr("int32_t", folded),
        ffi.new("es_dims *", a["output_dims"]), ptr("int8_t", out))
    return status, out


def assert_w16_equals_reference(call: Call, build: str) -> bool:
    """Compare one call; False where the layout does not apply (nothing compared)."""
    layout = laid_out(call)
    return layout is not None and assert_runs_as_reference(
        call, lambda: run_w16(call, build, *layout))


def assert_runs_as_reference(call: Call, run) -> bool:
    """``run()`` (status, output) of a laid-out entry equals the reference call, status 0."""
    status, expected = call.run("reference")
    assert status == 0, (call.kernel, status)
    got_status, got = run()
    assert got_status == 0
    np.testing.assert_array_equal(got, expected)
    return True


def conv_call(rng, extremes: bool) -> Call:
    call = base.window_call(rng, False, extremes)
    while call.kernel != "es_conv2d_s8":
        call = base.window_call(rng, False, extremes)
    return call


@pytest.mark.parametrize("build", sorted(FAST_BUILDS))
@pytest.mark.parametrize("extremes", [False, True])
def test_conv_w16_equals_reference(rng, build, extremes):
    compared, shapes = 0, set()
    for _ in range(base.CASES):
        call = conv_call(rng, extremes)
        if assert_w16_equals_reference(call, build):
            compared += 1
            f = call.args["filter_dims"]
            shapes.add((f["n"] % 4, f["h"] * f["w"] * f["c"] % 2))
    assert compared >= base.CASES // 2
    assert len(shapes) == 8  # every remainder of 4 channels, odd and even depths


@pytest.mark.parametrize("build", sorted(FAST_BUILDS))
def test_conv_w16_many_channels_and_long_windows(rng, build):
    # blocks crossing the 48-channel stage chunks; windows beyond the pair buffer (plain loop)
    for out_c, c, k in ((49, 3, 3), (97, 8, 1), (130, 5, 3), (6, 80, 3), (5, 641, 1)):
        call = conv_call(rng, False)
        a = call.args
        h, w = a["input_dims"]["h"], a["input_dims"]["w"]
        a["params"].update(stride={"h": 1, "w": 1}, dilation={"h": 1, "w": 1},
                           padding={"h": k // 2, "w": k // 2})
        a["input"] = rng.integers(-128, 128, (1, h, w, c)).astype(np.int8)
        a["input_dims"] = {"n": 1, "h": h, "w": w, "c": c}
        a["filter"] = rng.integers(-128, 128, (out_c, k, k, c)).astype(np.int8)
        a["filter_dims"] = {"n": out_c, "h": k, "w": k, "c": c}
        a["output_dims"] = {"n": 1, "h": h, "w": w, "c": out_c}
        a["multiplier"], a["shift"] = base.random_quant(rng, out_c, out_c % 2 == 1)
        a["bias"] = rng.integers(-50000, 50000, out_c).astype(np.int32)
        call.output_size = h * w * out_c
        assert assert_w16_equals_reference(call, build)


@pytest.mark.parametrize("build", sorted(FAST_BUILDS))
def test_conv_w16_block_stage_right_shifts_beyond_21(rng, build):
    # the blocks' short stage for right shifts 13..31 (round checked on the real numbers) and
    # its constant form (a zero multiplier, or |acc| below 2^(right-1): the output offset;
    # biases of +-2^30, right shift 0 included, whose outputs all clamp to one value),
    # with the int8 clamp the blocks take; biases up to 2^27 so that large shifts still
    # leave outputs other than the offset
    varied = 0
    for case in range(12):
        call = conv_call(rng, case % 2 == 1)
        a = call.args
        out_c = int(rng.integers(4, 13))
        h, w, c = a["input_dims"]["h"], a["input_dims"]["w"], a["input_dims"]["c"]
        f = a["filter_dims"]
        a["filter"] = rng.integers(-128, 128, (out_c, f["h"], f["w"], c)).astype(np.int8)
        a["filter_dims"] = {**f, "n": out_c}
        a["output_dims"] = {**a["output_dims"], "c": out_c}
        call.output_size = a["output_dims"]["h"] * a["output_dims"]["w"] * out_c
        a["multiplier"] = rng.integers(1 << 30, (1 << 31) - 1, out_c).astype(np.int32)
        a["multiplier"][rng.random(out_c) < 0.1] = 0
        a["shift"] = rng.integers(-31, -12, out_c)
        a["bias"] = rng.integers(-(1 << 27), 1 << 27, out_c).astype(np.int32)
        a["params"].update(activation={"min": -128, "max": 127},
                           output_offset=int(rng.choice([-128, 127, int(rng.integers(-128, 128))])))
        dead = rng.random(out_c) < 0.3  # a trained model's dead channels: every output clamped
        a["bias"][dead] = rng.choice([-(1 << 30), 1 << 30], int(dead.sum()))
        a["shift"][dead & (rng.random(out_c) < 0.3)] = 0
        # |acc| above 2^29 whose outputs are not one value: (k + 1/2) * 2^22 with k + offset
        # inside the int8 range, so the pixels' outputs fall on both sides (the general stage)
        edge = ~dead & (rng.random(out_c) < 0.3)
        k = 128 if a["params"]["output_offset"] < 0 else -128
        a["multiplier"][edge], a["shift"][edge] = (1 << 31) - 1, -22
        a["bias"][edge] = (2 * k + 1) * (1 << 21) + rng.integers(-50000, 50000, int(edge.sum()))
        assert assert_w16_equals_reference(call, build)
        got = run_w16(call, build, *laid_out(call))[1]
        varied += len(np.unique(got)) > 2
    assert varied >= 6


@pytest.mark.parametrize("build", sorted(FAST_BUILDS))
@pytest.mark.parametrize("extremes", [False, True])
def test_dense_w16_equals_reference(rng, build, extremes):
    compared, stages, rows = 0, set(), set()
    for _ in range(3 * base.CASES):
        call = base.dense_call(rng, extremes)
        if assert_w16_equals_reference(call, build):
            compared += 1
            stages.add(call.args["stage"])
            rows.add(call.args["dims"]["output_depth"] % 4)
    assert compared >= base.CASES
    assert stages == {0, 1} and rows == {0, 1, 2, 3}


@pytest.mark.parametrize("build", sorted(FAST_BUILDS))
def test_dense_w16_rows_beyond_the_input_buffer(rng, build):
    for depth in (1279, 1280, 1281, 1999):  # 640 pairs fit the widened input; more: plain loops
        call = base.dense_call(rng, False)
        a = call.args
        a["dims"] = {**a["dims"], "accum_depth": depth}
        a["input"] = rng.integers(-128, 128, depth).astype(np.int8)
        a["filter"] = rng.integers(-128, 128, (a["dims"]["output_depth"], depth)).astype(np.int8)
        assert assert_w16_equals_reference(call, build)


def exact_stage_rows(rng, shift: int) -> tuple[list[int], tuple[int, int]]:
    """Accumulators of 12 rows (three blocks of 4) and one exact scale m * 2^-s for the
    tensor, s = 32 + shift: the 53-bit mantissa m chosen so that a * m lies within a / 2 of
    a half (the cases the inline stage hands to the reference), then a + 1, a + 2 and 3a
    (past them), and accumulators near 2^30 and 2^31 whose results leave int32 at small
    binary points (at s = 34, 2^14 and a scale putting the result at 2^32 + 5), each with
    both signs."""
    s = 32 + shift
    a = int(rng.integers(1 << 10, 1 << 14))
    near = int(rng.integers(1 << 52, 1 << 53))
    odd = (a * near >> (s - 1)) | 1
    m = ((odd << (s - 1)) + a // 2) // a
    assert (1 << 52) <= m < (1 << 53) and abs(a * m - (odd << (s - 1))) <= a
    if shift == 2:  # 2^14 * m / 2^34 = 2^32 + 5: the result's low word alone would be 5
        a, m = 1 << 14, (1 << 52) + (5 << 20)
    big = int(rng.integers(1 << 30, (1 << 30) + (1 << 20)))
    return [a, -a, a + 1, -(a + 1), a + 2, -(a + 2), 3 * a, -3 * a,
            big, -big, (1 << 31) - 1, -(1 << 31) + 1], (m, -s)


@pytest.mark.parametrize("build", sorted(FAST_BUILDS))
def test_dense_w16_inline_exact_stage_near_halves_and_beyond_int32(rng, build):
    # the per-tensor exact stage of the 4-row blocks runs inline for binary points 34..63
    compared = set()
    for shift in (2, 10, 20, 28, 31):
        accs, scale = exact_stage_rows(rng, shift)
        call = base.dense_call(rng, False)
        call.args.update(params={**call.args["params"], "filter_offset": 0, "input_offset": 0,
                                 "output_offset": int(rng.integers(-128, 128)),
                                 "activation": {"min": -128, "max": 127}},
                         dims={"accum_depth": 1, "output_depth": 12}, per_channel=0, stage=1,
                         scales=[scale], bias=np.array(accs, np.int32),
                         input=np.zeros(1, np.int8), filter=np.zeros((12, 1), np.int8))
        call.output_size = 12
        assert assert_w16_equals_reference(call, build)
        compared.add(-scale[1])
    assert len(compared) == 5
