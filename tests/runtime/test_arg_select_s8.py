"""es_arg_max_s8 and es_arg_min_s8 (int32 indices, and their _s64 forms for int64) against
the golden simulator: every
axis of 2-, 3- and 4-D inputs, ties (the first index wins) and the int8 extremes. The
simulator itself is checked against LiteRT and TFLite Micro in tests/ops/test_arg_select.py."""

import numpy as np
import pytest

from edgesmith.codegen.c_params import axis4, dims
from edgesmith.ir import Graph, Op, Tensor, verify_graph
from edgesmith.sim import simulate

from .harness import fmt, random_int8


def _graph(op_type: str, shape: tuple, axis: int, index_type: str = "int32") -> Graph:
    g = Graph(f"single_{op_type}")
    g.add_tensor(Tensor("x", (1, *shape[1:]), "int8", fmt(0.1, -3)))
    out = tuple(d for i, d in enumerate(shape) if i != axis)
    g.add_tensor(Tensor("y", (1, *out[1:]), index_type, None))
    g.add_op(Op(op_type, ["x"], ["y"], {"axis": axis, "output_type": index_type}))
    g.inputs, g.outputs = ["x"], ["y"]
    verify_graph(g)
    return g


@pytest.mark.parametrize("op_type", ["arg_max", "arg_min"])
@pytest.mark.parametrize("shape,axis", [((5, 7), 1), ((5, 3, 6), 1), ((5, 3, 6), 2),
                                        ((5, 2, 3, 4), 1), ((5, 2, 3, 4), 2),
                                        ((5, 2, 3, 4), 3)], ids=str)
def test_every_axis_equals_the_simulator(rt, op_type, shape, axis):
    rng = np.random.default_rng(axis * 7 + len(shape))
    x = random_int8(rng, shape, extremes=True)
    x[0], x[1] = -128, 127  # all ties
    x[2] = rng.integers(-2, 2, size=shape[1:])  # many ties
    golden = simulate(_graph(op_type, shape, axis), x)["y"]
    assert golden.dtype == np.int32 and golden[0].max() == 0 and golden[1].max() == 0
    params = rt.new("es_reduce_params *", {"axes": 1 << axis4(axis, len(shape))})
    kernel = getattr(rt.lib, f"es_{op_type}_s8")
    for i in range(shape[0]):
        sample = np.ascontiguousarray(x[i:i + 1])
        out = np.full(golden.shape[1:], -1, np.int32)
        rt.ok(kernel(params, rt.new("es_dims *", dims(sample.shape)), rt.ptr("int8_t", sample),
                     rt.ptr("int32_t", out)))
        np.testing.assert_array_equal(out, golden[i])


def test_more_than_one_axis_is_refused(rt):
    x, out = np.zeros((1, 2, 3, 4), np.int8), np.zeros(8, np.int32)
    params = rt.new("es_reduce_params *", {"axes": 0b0110})
    status = rt.lib.es_arg_max_s8(params, rt.new("es_dims *", dims(x.shape)),
                                  rt.ptr("int8_t", x), rt.ptr("int32_t", out))
    assert status == rt.lib.ES_ERR_RANGE


@pytest.mark.parametrize("op_type", ["arg_max", "arg_min"])
def test_int64_indices_equal_the_simulator(rt, op_type):
    shape, axis = (4, 3, 5, 6), 2
    x = random_int8(np.random.default_rng(5), shape, extremes=True)
    x[0] = 7  # all ties
    golden = simulate(_graph(op_type, shape, axis, "int64"), x)["y"]
    assert golden.dtype == np.int64 and golden[0].max() == 0 and golden[1:].max() > 0
    params = rt.new("es_reduce_params *", {"axes": 1 << axis4(axis, len(shape))})
    for i in range(shape[0]):
        sample = np.ascontiguousarray(x[i:i + 1])
        out = np.full(golden.shape[1:], -1, np.int64)
        rt.ok(getattr(rt.lib, f"es_{op_type}_s8_s64")(
            params, rt.new("es_dims *", dims(sample.shape)), rt.ptr("int8_t", sample),
            rt.ptr("int64_t", out)))
        np.testing.assert_array_equal(out, golden[i])
