"""es_transpose_conv_s8 against the golden simulator: strides 1 to 3, 'same'-like and
'valid' pads, with and without bias, per-channel multipliers, the int8 extremes."""

import numpy as np
import pytest

from tests.codegen.test_ops_host import bias, per_channel

from .harness import fmt, per_sample, random_int8, single_op

CASES = [  # input shape, weights [O, KH, KW, I], stride, pads, output size
    ((1, 5, 6, 3), (4, 3, 3, 3), (2, 2), (0, 1, 0, 1), (10, 12)),
    ((1, 4, 3, 2), (2, 3, 2, 2), (2, 3), (0, 0, 0, 0), (9, 8)),
    ((1, 3, 3, 1), (3, 3, 3, 1), (1, 1), (1, 1, 1, 1), (3, 3)),
    ((1, 2, 2, 2), (1, 4, 4, 2), (3, 3), (1, 2, 1, 2), (6, 6)),
]


def c_transpose_conv(rt, case, with_bias: bool) -> np.ndarray:
    kp = case.c_params()
    params, quant = rt.struct(kp.args["params"]), rt.struct(kp.args["quant"])
    w = case.graph.tensors[case.op.inputs[1]].data
    b = case.graph.tensors[case.op.inputs[2]].data if with_bias else None

    def run(sample, out):
        rt.ok(rt.lib.es_transpose_conv_s8(
            params, quant, rt.dims(sample.shape), rt.ptr("int8_t", sample), rt.dims(w.shape),
            rt.ptr("int8_t", w), rt.ptr("int32_t", b) if b is not None else rt.ffi.NULL,
            rt.dims(out.shape), rt.ptr("int8_t", out)))

    return per_sample(case.feeds["x0"], case.output.shape, run)


@pytest.mark.parametrize("shape,w_shape,stride,pads,size", CASES, ids=str)
@pytest.mark.parametrize("with_bias", [True, False])
def test_transpose_conv_equals_the_simulator(rt, rng, shape, w_shape, stride, pads, size,
                                             with_bias):
    x = random_int8(rng, (3, *shape[1:]), extremes=True)
    x[0], x[1] = -128, 127
    w_scales = list(rng.uniform(0.005, 0.05, size=w_shape[0]))
    w = random_int8(rng, w_shape, extremes=True)
    in_fmt = fmt(0.05, -3)
    inputs = [(x, in_fmt, False), (w, per_channel(w_scales, 0), True)]
    if with_bias:
        inputs.append(bias(rng, w_shape[0], 0.05, w_scales))
    case = single_op("transpose_conv", inputs, fmt(0.2, 4),
                     {"size": size, "stride": stride, "pads": pads, "activation": "relu6"})
    np.testing.assert_array_equal(c_transpose_conv(rt, case, with_bias), case.golden())
