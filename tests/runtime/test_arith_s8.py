"""es_sub_s8, es_squared_difference_s8, es_abs_s8, es_leaky_relu_s8, es_reduce_max_s8 and
es_reduce_min_s8 against the golden simulator on one-op graphs with random formats and
int8 extremes (the simulator itself is checked against LiteRT in tests/ops)."""

import numpy as np
import pytest

from edgesmith.codegen.c_params import dims

from .harness import fmt, random_int8, random_scale, random_zero_point, runtime, single_op
from .test_select_s8 import BROADCASTS, _c_run as c_binary


def _formats(rng, count):
    return [fmt(random_scale(rng, 1e-2, 1.0), random_zero_point(rng)) for _ in range(count)]


@pytest.mark.parametrize("op_type", ["sub", "squared_difference"])
@pytest.mark.parametrize("shapes", BROADCASTS, ids=str)
@pytest.mark.parametrize("const_b", [False, True])
def test_binary_equals_the_simulator(op_type, shapes, const_b):
    rng = np.random.default_rng(len(shapes[0]) * 11 + len(shapes[1]) + const_b)
    fa, fb, fo = _formats(rng, 3)
    a = random_int8(rng, (6,) + shapes[0][1:], extremes=True)
    b = random_int8(rng, shapes[1][1:] if const_b else (6,) + shapes[1][1:], extremes=True)
    attrs = {"activation": "relu"} if op_type == "sub" else {}
    case = single_op(op_type, [(a, fa, False), (b, fb, const_b)], fo, attrs)
    rt = runtime()
    params = rt.struct(case.c_params().args["params"])
    kernel = rt.kernel(case.c_params())
    with_params = lambda *tensors: kernel(params, *tensors)  # noqa: E731
    np.testing.assert_array_equal(c_binary(case, with_params), case.golden())


@pytest.mark.parametrize("op_type,attrs", [("abs", {}), ("leaky_relu", {"alpha": 0.2}),
                                           ("leaky_relu", {"alpha": 2.5})])
@pytest.mark.parametrize("seed", range(4))
def test_unary_equals_the_simulator(op_type, attrs, seed):
    rng = np.random.default_rng(seed)
    fi, fo = _formats(rng, 2)
    x = np.resize(np.arange(-128, 128, dtype=np.int16), (3, 4, 5, 7)).astype(np.int8)
    case = single_op(op_type, [(x, fi, False)], fo, attrs)
    rt = runtime()
    kp = case.c_params()
    out = np.zeros_like(x)
    rt.ok(rt.kernel(kp)(rt.struct(kp.args["params"]), x.size, rt.ptr("int8_t", x),
                        rt.ptr("int8_t", out)))
    np.testing.assert_array_equal(out, case.golden())


@pytest.mark.parametrize("op_type", ["reduce_max", "reduce_min"])
@pytest.mark.parametrize("axes,keepdims", [((1, 2), False), ((3,), True), ((1,), False),
                                           ((1, 2, 3), True)])
def test_reduction_equals_the_simulator(op_type, axes, keepdims):
    rng = np.random.default_rng(len(axes))
    f = fmt(0.05, 7)
    x = random_int8(rng, (4, 3, 5, 6), extremes=False)
    case = single_op(op_type, [(x, f, False)], f, {"axes": axes, "keepdims": keepdims})
    rt = runtime()
    kp = case.c_params()
    params = rt.struct(kp.args["params"])
    golden = case.golden()
    out = np.zeros(golden.shape, np.int8)
    per_sample = out.reshape(4, -1)
    for i in range(4):
        sample = np.ascontiguousarray(x[i:i + 1])
        row = np.zeros(per_sample.shape[1], np.int8)
        rt.ok(rt.kernel(kp)(params, rt.new("es_dims *", dims(sample.shape)),
                            rt.ptr("int8_t", sample), rt.ptr("int8_t", row)))
        per_sample[i] = row
    np.testing.assert_array_equal(out, golden)


@pytest.mark.parametrize("alpha_shape", [(1, 1, 1, 3), (1, 4, 5, 3), (1,)], ids=str)
def test_prelu_equals_the_simulator(alpha_shape):
    rng = np.random.default_rng(len(alpha_shape))
    fi, fa, fo = _formats(rng, 3)
    x = random_int8(rng, (6, 4, 5, 3), extremes=True)
    alpha = random_int8(rng, alpha_shape[1:] if len(alpha_shape) > 1 else alpha_shape)
    case = single_op("prelu", [(x, fi, False), (alpha, fa, True)], fo)
    rt = runtime()
    params = rt.struct(case.c_params().args["params"])
    kernel = rt.kernel(case.c_params())
    with_params = lambda *tensors: kernel(params, *tensors)  # noqa: E731
    np.testing.assert_array_equal(c_binary(case, with_params), case.golden())
