"""Every fast int8 kernel (runtime/kernels/fast) equals its reference kernel, integer for integer.

Random shapes: odd channel counts and counts not divisible by the 2x2 block or the
groups of 4, strides 1 and 2, every padding, dilations, depth multipliers, extreme
multipliers and shifts (0, INT32_MIN, +-31), offsets beyond int16 (the plain
loops) and biases that drive the accumulators near the int32 limits.
"""

import numpy as np
import pytest

from .fast_harness import (FAST_BUILDS, Call, random_activation, random_exact_scales,
                           random_offset, random_quant)

CASES = 60


def window_call(rng, depthwise: bool, extremes: bool) -> Call:
    h, w = (int(v) for v in rng.integers(1, 10, 2))
    c = int(rng.choice([1, 2, 3, 4, 5, 7, 8, 12, 16]))
    kh, kw = (int(v) for v in rng.integers(1, 5, 2))
    if rng.random() < 0.4:
        kh = kw = 3
    stride = [int(v) for v in rng.integers(1, 3, 2)]
    dilation = [1, 1] if rng.random() < 0.6 else [int(v) for v in rng.integers(1, 3, 2)]
    pads = [int(v) for v in rng.integers(0, 3, 4)]  # top, bottom, left, right
    oh = (h + pads[0] + pads[1] - (kh - 1) * dilation[0] - 1) // stride[0] + 1
    ow = (w + pads[2] + pads[3] - (kw - 1) * dilation[1] - 1) // stride[1] + 1
    if oh < 1 or ow < 1 or pads[0] >= (kh - 1) * dilation[0] + 1 or \
            pads[2] >= (kw - 1) * dilation[1] + 1:
        return window_call(rng, depthwise, extremes)
    mult = int(rng.integers(1, 4)) if depthwise else 1
    out_c = c * mult if depthwise else int(rng.integers(1, 10))
    x = rng.integers(-128, 128, (1, h, w, c)).astype(np.int8)
    filter_dims = {"n": 1, "h": kh, "w": kw, "c": out_c} if depthwise else \
        {"n": out_c, "h": kh, "w": kw, "c": c}
    weights = rng.integers(-128, 128, (filter_dims["n"], kh, kw, filter_dims["c"])).astype(np.int8)
    if extremes:
        weights[rng.random(weights.shape) < 0.5] = -128
    multiplier, shift = random_quant(rng, out_c, extremes)
    bound = 1 << 30 if extremes else 50000
    bias = None if rng.random() < 0.2 else rng.integers(-bound, bound, out_c).astype(np.int32)
    params = {"input_offset": random_offset(rng, extremes),
              "output_offset": int(rng.integers(-128, 128)),
              "stride": {"h": stride[0], "w": stride[1]},
              "dilation": {"h": dilation[0], "w": dilation[1]},
              "padding": {"h": pads[0], "w": pads[2]}, "activation": random_activation(rng)}
    kernel = "es_conv2d_s8"
    if depthwise:
        params["depth_multiplier"] = mult
        kernel = "es_depthwise_conv2d_s8"
        if mult == 1 and oh * ow <= h * w and rng.random() < 0.5:
            kernel += "_inplace"
    args = {"params": params, "multiplier": multiplier, "shift": shift, "bias": bias,
            "input": x, "filter": weights, "input_dims": {"n": 1, "h": h, "w": w, "c": c},
            "filter_dims": filter_dims, "output_dims": {"n": 1, "h": oh, "w": ow, "c": out_c}}
    return Call(kernel, args, oh * ow * out_c)


def dense_call(rng, extremes: bool) -> Call:
    depth = int(rng.choice([1, 3, 4, 7, 8, 16, 33, 64, 250]))
    outputs = int(rng.integers(1, 12))
    per_channel = int(rng.integers(2))
    channels = outputs if per_channel else 1
    multiplier, shift = random_quant(rng, channels, extremes)
    bound = 1 << 30 if extremes else 50000
    args = {"params": {"input_offset": random_offset(rng, extremes),
                       "filter_offset": random_offset(rng, extremes) if rng.random() < 0.3 else 0,
                       "output_offset": int(rng.integers(-128, 128)),
                       "activation": random_activation(rng)},
            "dims": {"accum_depth": depth, "output_depth": outputs}, "per_channel": per_channel,
            "stage": int(rng.integers(2)), "scales": random_exact_scales(rng, channels, extremes),
            "multiplier": multiplier, "shift": shift,
            "input": rng.integers(-128, 128, depth).astype(np.int8),
            "filter": rng.integers(-128, 128, (outputs, depth)).astype(np.int8),
            "bias": rng.integers(-bound, bound, outputs).astype(np.int32)}
    return Call("es_fully_connected_s8", args, outputs)


def assert_same_as_reference(call: Call, build: str) -> None:
    status, expected = call.run("reference")
    assert status == 0, (call.kernel, status)
    got_status, got = call.run(build)
    assert got_status == status
    np.testing.assert_array_equal(got, expected)


@pytest.mark.parametrize("build", sorted(FAST_BUILDS))
@pytest.mark.parametrize("extremes", [False, True])
@pytest.mark.parametrize("depthwise", [False, True], ids=["conv", "depthwise"])
def test_window_kernels_equal_reference(rng, build, extremes, depthwise):
    kernels = set()
    for _ in range(CASES):
        call = window_call(rng, depthwise, extremes)
        kernels.add(call.kernel)
        assert_same_as_reference(call, build)
    assert kernels >= ({"es_depthwise_conv2d_s8", "es_depthwise_conv2d_s8_inplace"}
                       if depthwise else {"es_conv2d_s8"})


@pytest.mark.parametrize("build", sorted(FAST_BUILDS))
@pytest.mark.parametrize("extremes", [False, True])
def test_dense_equals_reference(rng, build, extremes):
    stages = set()
    for _ in range(3 * CASES):
        call = dense_call(rng, extremes)
        stages.add(call.args["stage"])
        assert_same_as_reference(call, build)
    assert stages == {0, 1}



def near_half_cases(rng, count: int) -> tuple[np.ndarray, list[tuple[int, int]]]:
    """Accumulators a and scales m * 2^-77 whose exact product lies just below a half
    (k + 0.5) * 2^77, close enough that the double rounds it onto the half (k < 64: the
    output stays inside int8)."""
    accs, scales = [], []
    while len(accs) < count:
        a = int(rng.integers(1 << 30, 1 << 31)) | 1
        half = (2 * int(rng.integers(16, 64)) + 1) << 76
        m = half // a
        if (1 << 52) <= m < (1 << 53) and a * m < half and float(a * m) == float(half):
            accs.append(a)
            scales.append((m, -77))
    return np.array(accs, np.int64), scales


@pytest.mark.parametrize("build", sorted(FAST_BUILDS))
def test_dense_exact_scale_where_the_double_rounding_decides(rng, build):
    for sign in (1, -1):
        accs, scales = near_half_cases(rng, 16)
        call = dense_call(rng, False)
        call.args.update(params={**call.args["params"], "filter_offset": 0, "input_offset": 0,
                                 "output_offset": 0, "activation": {"min": -128, "max": 127}},
                         dims={"accum_depth": 1, "output_depth": 16}, per_channel=1, stage=1,
                         scales=scales, bias=(sign * accs).astype(np.int32),
                         input=np.zeros(1, np.int8), filter=np.zeros((16, 1), np.int8))
        call.output_size = 16
        assert_same_as_reference(call, build)


def at_the_bound(rng, x: np.ndarray, weights: np.ndarray, offset: int, target: np.ndarray):
    """(x, weights, bias) of a 3x3 depthwise call whose accumulators all reach |target|:
    every |x + offset| at its largest, each channel's weights of one sign, the bias
    making up the rest."""
    x = np.full_like(x, -128 if abs(-128 + offset) >= abs(127 + offset) else 127)
    weights = (rng.integers(1, 128, weights.shape) * rng.choice([-1, 1])).astype(np.int8)
    taps = np.abs(weights.astype(np.int64)).reshape(9, -1).sum(0) * abs(int(x.flat[0]) + offset)
    bias = (np.sign(weights[0, 0, 0]) * np.sign(int(x.flat[0]) + offset) * (target - taps))
    return x, weights, bias.astype(np.int32)


def depthwise_3x3_call(rng, h: int, w: int, stride: int, boundary: bool) -> Call:
    """A 3x3 depthwise call of the band planes (es_nn_fast_dw3x3.h): planes wider than one
    band of rows or of accumulators, both strides, and with ``boundary`` the limits of the
    short output stage: right shifts 1, 21 and 22, biases that put the accumulator bound on
    either side of 2^29, output offsets of -128 and 127 riding in the rounding add."""
    c = int(rng.choice([1, 3, 8]))
    mult = int(rng.integers(1, 3))
    pads = [max(int(v), 1 if n < 3 else 0) for v, n in zip(rng.integers(0, 3, 2), (h, w))]
    oh = (h + 2 * pads[0] - 3) // stride + 1
    ow = (w + 2 * pads[1] - 3) // stride + 1
    out_c = c * mult
    weights = rng.integers(-128, 128, (1, 3, 3, out_c)).astype(np.int8)
    multiplier = rng.integers(1 << 30, (1 << 31) - 1, out_c, dtype=np.int64).astype(np.int32)
    shift = rng.integers(-12, 0, out_c)
    bias = rng.integers(-50000, 50000, out_c).astype(np.int32)
    offset = int(rng.integers(-127, 129))
    x = rng.integers(-128, 128, (1, h, w, c)).astype(np.int8)
    if boundary:
        # every |x + offset| at its largest and the weights of one sign: the accumulators
        # reach the bound the kernel computes, placed around 2^29 (the short form's limit)
        # and 2^30 (where the doubled accumulator no longer fits)
        shift = rng.choice([-1, -21, -22], out_c)
        target = rng.choice([1 << 29, 1 << 30], out_c) + rng.integers(-2, 2, out_c)
        x, weights, bias = at_the_bound(rng, x, weights, offset, target)
    params = {"input_offset": offset,
              "output_offset": int(rng.choice([-128, 127, int(rng.integers(-128, 128))])),
              "stride": {"h": stride, "w": stride}, "dilation": {"h": 1, "w": 1},
              "padding": {"h": pads[0], "w": pads[1]}, "activation": random_activation(rng),
              "depth_multiplier": mult}
    args = {"params": params, "multiplier": multiplier, "shift": shift, "bias": bias,
            "input": x, "filter": weights,
            "input_dims": {"n": 1, "h": h, "w": w, "c": c},
            "filter_dims": {"n": 1, "h": 3, "w": 3, "c": out_c},
            "output_dims": {"n": 1, "h": oh, "w": ow, "c": out_c}}
    kernel = "es_depthwise_conv2d_s8"
    if mult == 1 and stride == 1 and pads[0] == pads[1] == 1 and rng.random() < 0.5:
        kernel += "_inplace"
    return Call(kernel, args, oh * ow * out_c)


@pytest.mark.parametrize("build", sorted(FAST_BUILDS))
@pytest.mark.parametrize("stride", [1, 2])
def test_depthwise_3x3_planes_equal_reference(rng, build, stride):
    # (h, w): one band; more rows than the accumulators hold; rows longer than a band of
    # 3 rows holds (the ring takes those); narrow and odd widths
    shapes = [(9, 7), (25, 5), (40, 30), (70, 9), (6, 300), (5, 640), (1, 3), (3, 1)]
    for h, w in shapes:
        for boundary in (False, True):
            assert_same_as_reference(depthwise_3x3_call(rng, h, w, stride, boundary), build)


@pytest.mark.parametrize("build", sorted(FAST_BUILDS))
def test_conv_with_more_channels_than_a_stage_table(rng, build):
    # the fast conv prepares the output stages of 48 channels at a time: 49..130 channels
    # cross one or more chunk edges, an odd count ends on a lone channel
    for out_c in (49, 96, 97, 130):
        call = window_call(rng, False, False)
        a = call.args
        c = a["input_dims"]["c"]
        kh, kw = a["filter_dims"]["h"], a["filter_dims"]["w"]
        a["filter"] = rng.integers(-128, 128, (out_c, kh, kw, c)).astype(np.int8)
        a["filter_dims"] = {**a["filter_dims"], "n": out_c}
        a["output_dims"] = {**a["output_dims"], "c": out_c}
        a["multiplier"], a["shift"] = random_quant(rng, out_c, out_c % 2 == 1)
        a["bias"] = rng.integers(-50000, 50000, out_c).astype(np.int32)
        call.output_size = a["output_dims"]["h"] * a["output_dims"]["w"] * out_c
        assert_same_as_reference(call, build)


def near_half_at(rng, count: int, s: int) -> tuple[np.ndarray, list[tuple[int, int]]]:
    """Accumulators a and scales m * 2^-s (53-bit m) whose exact product lies just below a
    half (k + 0.5) * 2^s and rounds onto it as a double, for the binary points of
    es_fast_round_exact's word path (s in [34, 63]): small accumulators keep k < 64, which
    a 53-bit m allows from s = 56 on (below, every such output saturates int8)."""
    accs, scales = [], []
    while len(accs) < count:
        half = (2 * int(rng.integers(4, 64)) + 1) << (s - 1)
        low, high = half // (1 << 53) + 1, min(half // (1 << 52), (1 << 31) - 1)
        if low > high:
            continue
        a = int(rng.integers(low, high + 1))
        m = half // a
        if (1 << 52) <= m < (1 << 53) and a * m < half and float(a * m) == float(half):
            accs.append(a)
            scales.append((m, -s))
    return np.array(accs, np.int64), scales


@pytest.mark.parametrize("build", sorted(FAST_BUILDS))
@pytest.mark.parametrize("s", [56, 60, 63])
def test_dense_exact_scale_near_halves_on_the_word_path(rng, build, s):
    for sign in (1, -1):
        accs, scales = near_half_at(rng, 16, s)
        for per_channel, depth in ((1, 1), (0, 1)):
            call = dense_call(rng, False)
            chosen = scales if per_channel else [scales[0]]
            call.args.update(params={**call.args["params"], "filter_offset": 0,
                                     "input_offset": 0, "output_offset": 0,
                                     "activation": {"min": -128, "max": 127}},
                             dims={"accum_depth": depth, "output_depth": 16},
                             per_channel=per_channel, stage=1, scales=chosen,
                             bias=(sign * (accs if per_channel else accs[:1].repeat(16))
                                   ).astype(np.int32),
                             input=np.zeros(depth, np.int8),
                             filter=np.zeros((16, depth), np.int8))
            call.output_size = 16
            assert_same_as_reference(call, build)
