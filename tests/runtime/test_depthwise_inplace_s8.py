"""es_depthwise_conv2d_s8_inplace: its output written over its input, as the planner lays it out.

Each case is a one-op graph planned by the memory planner (input and output in
the arena, in place, a scratch buffer of its own): the kernel runs on an arena
of exactly ``arena_bytes``, pre-filled with a sentinel, with the input at its
planned offset. The output at its offset must equal the simulator and the
out-of-place kernel, and no byte outside the op's buffer and its scratch may
change.
"""

import numpy as np
import pytest

from edgesmith.memory import check_plan, plan_arena

from .harness import fmt
from .test_conv_s8 import ACTIVATIONS, GEOMETRIES, c_conv, conv_case, shifts_at_both_ends

SENTINEL = 0x5A

# the geometries of MobileNet-style depthwise convs: 3x3, stride 1 or 2, padding on either
# side (TFLite SAME pads stride 2 at the bottom/right only), and a 1x1 output
INPLACE_GEOMETRIES = GEOMETRIES + [
    (8, 8, 6, 3, 3, (2, 2), (1, 1), (0, 1, 0, 1)),
    (7, 7, 3, 3, 3, (2, 2), (1, 1), (1, 1, 1, 1)),
    (9, 5, 4, 3, 3, (2, 1), (1, 1), (1, 1, 1, 1)),
    (3, 3, 5, 3, 3, (1, 1), (1, 1), (0, 0, 0, 0)),
]


def planned_in_place(case, strategy="optimal"):
    """The planner's arena for the one-op graph, with the op in place (checked)."""
    plan = plan_arena(case.graph, strategy, inputs_in_arena=True, alignment=16)
    check_plan(case.graph, plan)
    (record,) = plan.inplace_ops
    assert (record.op_type, record.input, record.output) == ("depthwise_conv2d", "x0", "y")
    _, oh, ow, _ = case.output.shape
    assert record.scratch_bytes == oh * ow
    return plan, record


def c_inplace(rt, case, strategy="optimal") -> np.ndarray:
    """Run the in-place kernel on each sample inside the planner's arena."""
    plan, record = planned_in_place(case, strategy)
    kp = case.c_params()
    params, quant = rt.struct(kp.args["params"]), rt.struct(kp.args["quant"])
    weights = case.value(1)
    bias = case.value(2) if case.op.inputs[2] is not None else None
    bias_ptr = rt.ffi.NULL if bias is None else rt.ptr("int32_t", bias)
    x, y = case.tensor(0), case.output
    at, scratch_at = plan.offsets["x0"], plan.offsets[record.scratch]
    assert plan.offsets["y"] == at
    used = np.zeros(plan.arena_bytes, bool)  # the op's buffer and its scratch
    used[at:at + max(x.nbytes, y.nbytes)] = True
    used[scratch_at:scratch_at + record.scratch_bytes] = True
    batch = case.feeds["x0"]
    out = np.zeros((batch.shape[0],) + tuple(y.shape[1:]), np.int8)
    for i, sample in enumerate(batch):
        arena = np.full(plan.arena_bytes, SENTINEL, np.int8)
        arena[at:at + x.nbytes] = sample.reshape(-1)
        data = rt.ffi.from_buffer("int8_t[]", arena)
        rt.ok(rt.lib.es_depthwise_conv2d_s8_inplace(
            rt.ffi.NULL, params, quant, rt.dims(x.shape), data + at, rt.dims(weights.shape),
            rt.ptr("int8_t", weights), bias_ptr, rt.dims(y.shape), data + scratch_at))
        assert np.all(arena[~used] == SENTINEL), "wrote outside its buffer and scratch"
        out[i] = arena[at:at + y.nbytes].reshape(y.shape[1:])
    return out


def check(rt, case, strategy="optimal"):
    ours = c_inplace(rt, case, strategy)
    np.testing.assert_array_equal(ours, case.golden())
    np.testing.assert_array_equal(ours, c_conv(rt, case))


@pytest.mark.parametrize("geometry", INPLACE_GEOMETRIES)
def test_inplace_random(rt, rng, geometry):
    check(rt, conv_case(rng, geometry, 0, depthwise=True, batch=3))


@pytest.mark.parametrize("strategy", ["greedy", "optimal"])
def test_inplace_edge_extremes_and_shifts(rt, rng, strategy):
    channels = 6
    w_scales = shifts_at_both_ends(rng, channels, 0.05, 0.2)
    for geometry in (GEOMETRIES[0], GEOMETRIES[4], INPLACE_GEOMETRIES[-4]):
        g = geometry[:2] + (channels,) + geometry[3:]
        for in_fmt, out_fmt, act in ((fmt(0.05, -128), fmt(0.2, 127), "none"),
                                     (fmt(0.05, 127), fmt(0.2, -128), "relu")):
            check(rt, conv_case(rng, g, 0, depthwise=True, extremes=True, w_scales=w_scales,
                                in_fmt=in_fmt, out_fmt=out_fmt, act=act), strategy)


def test_inplace_edge_requantization_ties(rt, rng):
    # power-of-two scales: the real multiplier is exactly 1/2 or 1/4 (ties of both roundings)
    for out_scale in (2.0 ** -8, 2.0 ** -7):
        for geometry in (GEOMETRIES[0], INPLACE_GEOMETRIES[-3]):
            check(rt, conv_case(rng, geometry, 0, depthwise=True, w_scales=[2.0 ** -5] * 3,
                                in_fmt=fmt(2.0 ** -4, 0), out_fmt=fmt(out_scale, 0),
                                bias=False, act="none"))


def test_inplace_edge_saturation_of_every_activation(rt, rng):
    for act in ACTIVATIONS:
        check(rt, conv_case(rng, GEOMETRIES[7], 0, depthwise=True, extremes=True,
                            in_fmt=fmt(1.0, 0), out_fmt=fmt(0.01, 0),
                            w_scales=[0.1, 0.05, 0.2, 0.3], act=act))


def test_inplace_edge_output_larger_than_input(rt, rng):
    # padding wider than the kernel grows H x W: the planner never runs this in place, but
    # the kernel is still exact in a buffer of max(H*W, OH*OW) * C bytes
    case = conv_case(rng, (2, 1, 3, 3, 3, (1, 1), (1, 1), (2, 2, 2, 2)), 0, depthwise=True,
                     extremes=True, act="none")
    kp = case.c_params()
    _, oh, ow, c = case.output.shape
    weights = case.value(1)
    out = []
    for sample in case.feeds["x0"]:
        data = np.zeros(oh * ow * c, np.int8)
        data[:sample.size] = sample.reshape(-1)
        scratch = np.zeros(oh * ow, np.int8)
        rt.ok(rt.lib.es_depthwise_conv2d_s8_inplace(
            rt.ffi.NULL, rt.struct(kp.args["params"]), rt.struct(kp.args["quant"]),
            rt.dims(sample[None].shape), rt.ptr("int8_t", data), rt.dims(weights.shape),
            rt.ptr("int8_t", weights), rt.ptr("int32_t", case.value(2)),
            rt.dims(case.output.shape), rt.ptr("int8_t", scratch)))
        out.append(data.reshape(case.output.shape[1:]))
    np.testing.assert_array_equal(np.stack(out), case.golden())


@pytest.fixture
def baseline(rt):
    """Valid arguments for a 3x3 'same' depthwise conv on 3x3x2, and the buffers they point to."""
    bufs = {"data": np.arange(18, dtype=np.int8), "scratch": np.full(9, SENTINEL, np.int8),
            "w": np.ones((1, 3, 3, 2), np.int8), "mult": np.full(2, 1 << 30, np.int32),
            "shift": np.zeros(2, np.int8)}
    params = {"input_offset": 0, "output_offset": 0, "depth_multiplier": 1,
              "stride": {"h": 1, "w": 1}, "dilation": {"h": 1, "w": 1},
              "padding": {"h": 1, "w": 1}, "activation": {"min": -128, "max": 127}}
    return bufs, params


def inplace_call(rt, bufs, params, **changes):
    quant = rt.new("es_per_channel_quant_params *", {"multiplier": rt.ptr("int32_t", bufs["mult"]),
                                                     "shift": rt.ptr("int8_t", bufs["shift"])})
    args = {"ctx": rt.ffi.NULL, "params": rt.new("es_dw_conv_params *", params), "quant": quant,
            "in_dims": rt.dims((1, 3, 3, 2)), "data": rt.ptr("int8_t", bufs["data"]),
            "w_dims": rt.dims((1, 3, 3, 2)), "w": rt.ptr("int8_t", bufs["w"]),
            "b": rt.ffi.NULL, "out_dims": rt.dims((1, 3, 3, 2)),
            "scratch": rt.ptr("int8_t", bufs["scratch"])}
    args.update(changes)
    return rt.lib.es_depthwise_conv2d_s8_inplace(*args.values())


def test_inplace_accepts_the_baseline(rt, baseline):
    bufs, params = baseline
    assert inplace_call(rt, bufs, params) == rt.lib.ES_OK
    assert np.any(bufs["data"] != np.arange(18))


@pytest.mark.parametrize("change, status", [
    ({"data": None}, "ES_ERR_ARG"),
    ({"scratch": None}, "ES_ERR_ARG"),
    ({"w": None}, "ES_ERR_ARG"),
    ({"in_dims": (1, 0, 3, 2)}, "ES_ERR_ARG"),
    # a valid out-of-place call with depth multiplier 2: not in place
    ({"depth_multiplier": 2, "w_dims": (1, 3, 3, 4), "out_dims": (1, 3, 3, 4)}, "ES_ERR_RANGE"),
    ({"stride": {"h": 0, "w": 1}}, "ES_ERR_RANGE"),
    ({"out_dims": (1, 3, 3, 4)}, "ES_ERR_SHAPE"),
    ({"w_dims": (1, 3, 3, 4)}, "ES_ERR_SHAPE"),
])
def test_inplace_rejects_without_writing(rt, baseline, change, status):
    bufs, params = baseline
    bufs["mult"], bufs["shift"] = np.full(4, 1 << 30, np.int32), np.zeros(4, np.int8)
    params = {**params, **{k: v for k, v in change.items() if k in params}}
    changes = {k: rt.ffi.NULL if v is None else rt.dims(v)
               for k, v in change.items() if k not in params}
    assert inplace_call(rt, bufs, params, **changes) == getattr(rt.lib, status)
    np.testing.assert_array_equal(bufs["data"], np.arange(18, dtype=np.int8))
    assert np.all(bufs["scratch"] == SENTINEL)
