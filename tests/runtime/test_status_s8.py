"""Every kernel refuses bad arguments with a status code and leaves the output untouched."""

import numpy as np
import pytest

SENTINEL = 0x5A


@pytest.fixture
def buffers():
    """A small NHWC sample, weights, bias and an output pre-filled with a sentinel."""
    return {"x": np.arange(3 * 3 * 2, dtype=np.int8).reshape(1, 3, 3, 2),
            "w": np.ones((2, 3, 3, 2), np.int8), "b": np.zeros(2, np.int32),
            "mult": np.full(2, 1 << 30, np.int32), "shift": np.zeros(2, np.int8),
            "out": np.full(64, SENTINEL, np.int8)}


BASE_CONV = {"input_offset": 0, "output_offset": 0, "stride": {"h": 1, "w": 1},
             "dilation": {"h": 1, "w": 1}, "padding": {"h": 1, "w": 1},
             "activation": {"min": -128, "max": 127}}


def conv_call(rt, bufs, **changes):
    """es_conv2d_s8 on a valid 3x3 'same' convolution, with some arguments replaced."""
    params = changes.pop("params", {})
    if isinstance(params, dict):
        params = rt.new("es_conv_params *", {**BASE_CONV, **params})
    shift = changes.pop("shift", bufs["shift"])
    quant = rt.new("es_per_channel_quant_params *", {"multiplier": rt.ptr("int32_t", bufs["mult"]),
                                                     "shift": rt.ptr("int8_t", shift)})
    args = {"ctx": rt.ffi.NULL, "params": params, "quant": quant,
            "in_dims": rt.dims((1, 3, 3, 2)), "x": rt.ptr("int8_t", bufs["x"]),
            "w_dims": rt.dims((2, 3, 3, 2)), "w": rt.ptr("int8_t", bufs["w"]),
            "b": rt.ptr("int32_t", bufs["b"]), "out_dims": rt.dims((1, 3, 3, 2)),
            "out": rt.ptr("int8_t", bufs["out"])}
    args.update(changes)
    return rt.lib.es_conv2d_s8(*args.values())


def test_conv2d_accepts_the_baseline(rt, buffers):
    assert conv_call(rt, buffers) == rt.lib.ES_OK
    assert np.any(buffers["out"][:18] != SENTINEL)


@pytest.mark.parametrize("change, status", [
    ({"x": "NULL"}, "ES_ERR_ARG"),
    ({"params": "NULL"}, "ES_ERR_ARG"),
    ({"in_dims": (1, 0, 3, 2)}, "ES_ERR_ARG"),
    ({"in_dims": (2, 3, 3, 2)}, "ES_ERR_SHAPE"),
    ({"w_dims": (2, 3, 3, 3)}, "ES_ERR_SHAPE"),
    ({"out_dims": (1, 3, 3, 3)}, "ES_ERR_SHAPE"),
    ({"params": {"stride": {"h": 0, "w": 1}}}, "ES_ERR_RANGE"),
    ({"params": {"padding": {"h": -1, "w": 0}}}, "ES_ERR_RANGE"),
    ({"params": {"activation": {"min": 5, "max": 4}}}, "ES_ERR_RANGE"),
    ({"params": {"activation": {"min": -129, "max": 4}}}, "ES_ERR_RANGE"),
    ({"shift": np.array([0, 32], np.int8)}, "ES_ERR_RANGE"),
])
def test_conv2d_rejects(rt, buffers, change, status):
    key, value = next(iter(change.items()))
    if isinstance(value, str):
        value = rt.ffi.NULL
    elif key.endswith("dims"):
        value = rt.dims(value)
    assert conv_call(rt, buffers, **{key: value}) == getattr(rt.lib, status)
    assert np.all(buffers["out"] == SENTINEL)


def test_scratch_sizes_are_zero_for_the_reference(rt):
    d = rt.dims((1, 8, 8, 4))
    assert rt.lib.es_conv2d_s8_get_buffer_size(d, rt.dims((2, 3, 3, 4))) == 0
    assert rt.lib.es_depthwise_conv2d_s8_get_buffer_size(d, rt.dims((1, 3, 3, 4))) == 0
    fc = rt.new("es_fc_dims *", {"accum_depth": 16, "output_depth": 4})
    assert rt.lib.es_fully_connected_s8_get_buffer_size(fc) == 0


def test_other_kernels_reject_bad_arguments(rt, buffers):
    lib, null, out = rt.lib, rt.ffi.NULL, buffers["out"]
    x = rt.ptr("int8_t", buffers["x"])
    o = rt.ptr("int8_t", out)
    full = {"min": -128, "max": 127}
    pool = rt.new("es_pool_params *", {"window": {"h": 2, "w": 2}, "stride": {"h": 1, "w": 1},
                                       "padding": {"h": 2, "w": 0}, "activation": full})
    requant = rt.new("es_requantize_params *", {"quant": {"multiplier": 1 << 30, "shift": -32},
                                                "activation": full})
    softmax = rt.new("es_softmax_params *", {"input_multiplier": 1 << 30,
                                             "input_left_shift": 32, "diff_min": 0})
    mean = rt.new("es_mean_params *", {"quant": {"multiplier": 1 << 30, "shift": 0},
                                       "axes": 16})
    pad = rt.new("es_pad_params *", {"before": {"n": 0, "h": 1, "w": 0, "c": 0}, "pad_value": 0})
    concat = rt.new("es_concat_params *", {"axis": 4, "num_inputs": 1})
    mul = rt.new("es_mul_params *", {"output_multiplier": 1 << 30, "activation": full})
    fc_quant = rt.new("es_fc_quant_params *", {"stage": 7, "per_channel": 0})
    fc = rt.new("es_fc_params *", {"activation": full})
    fc_dims = rt.new("es_fc_dims *", {"accum_depth": 4, "output_depth": 2})
    d = rt.dims((1, 3, 3, 2))
    calls = {
        "avg window outside": (lib.es_avg_pool2d_s8(pool, d, x, rt.dims((1, 4, 2, 2)), o),
                               lib.ES_ERR_SHAPE),
        "max NULL": (lib.es_max_pool2d_s8(pool, d, null, d, o), lib.ES_ERR_ARG),
        "requantize shift": (lib.es_requantize_s8(requant, 4, x, o), lib.ES_ERR_RANGE),
        "relu size": (lib.es_relu_s8(requant, 0, x, o), lib.ES_ERR_ARG),
        "softmax shift": (lib.es_softmax_s8(softmax, 1, 4, x, o), lib.ES_ERR_RANGE),
        "logistic table": (lib.es_logistic_s8(null, 4, x, o), lib.ES_ERR_ARG),
        "tanh size": (lib.es_tanh_s8(x, -1, x, o), lib.ES_ERR_ARG),
        "mean axes": (lib.es_mean_s8(mean, d, x, o), lib.ES_ERR_RANGE),
        "pad too small": (lib.es_pad_s8(pad, d, x, d, o), lib.ES_ERR_SHAPE),
        "concat axis": (lib.es_concat_s8(concat, d, rt.new("int8_t *[]", [x]), d, o),
                        lib.ES_ERR_RANGE),
        "mul broadcast": (lib.es_mul_s8(mul, d, x, rt.dims((1, 2, 3, 2)), x, d, o),
                          lib.ES_ERR_SHAPE),
        "fc stage": (lib.es_fully_connected_s8(null, fc, fc_quant, fc_dims, x, x, null, o),
                     lib.ES_ERR_RANGE),
    }
    for name, (got, expected) in calls.items():
        assert got == expected, f"{name}: {rt.status_name(got)}"
    assert np.all(out == SENTINEL)
