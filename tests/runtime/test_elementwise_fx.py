"""es_mul_fx and es_concat_fx against the simulator: every rounding and overflow mode,
broadcasting, fused activations, extreme raw values, inputs of different types."""

import itertools

import numpy as np
import pytest
from edgesmith.codegen.c_params import CArray, CStruct, dims, kernel_params
from edgesmith.errors import UnsupportedError
from edgesmith.ir import FixedFormat
from edgesmith.ir.fixed import OVERFLOW_MODES, ROUNDING_MODES
from edgesmith.sim import simulate

from .formats_harness import assert_c_equals_simulator, formats_runtime, one_op
from .test_layers_fx import ACTIVATIONS, random_type, raw

MODES = list(itertools.product(ROUNDING_MODES, OVERFLOW_MODES))
# (shape of a, shape of b): b broadcast along size-1 dimensions
SHAPES = [((2, 3, 4, 5), (1, 3, 4, 5)), ((2, 3, 4, 5), (1, 1, 1, 5)), ((2, 6), (1, 1)),
          ((3, 2, 1, 4), (1, 1, 5, 1))]


@pytest.mark.parametrize("rounding,overflow", MODES)
def test_mul_every_mode(rng, rounding, overflow):
    for shape_a, shape_b in SHAPES:
        fa, fb = random_type(rng), random_type(rng, (2, 14), (-6, 8))
        out = random_type(rng, (2, 24), (-4, 20), rounding=rounding, overflow=overflow)
        a = raw(rng, fa, shape_a, extremes=bool(rng.integers(2)))
        b = raw(rng, fb, shape_b, extremes=True)
        attrs = {"activation": str(rng.choice(ACTIVATIONS))}
        assert_c_equals_simulator(*one_op("mul", [(a, fa, False), (b[0:1], fb, True)],
                                          out, attrs))


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_mul_extremes_of_wide_operands(activation):
    """qmin * qmin of 31-bit operands (2^60) and the fused bounds at a coarse binary point."""
    fa, fb = FixedFormat(31, 20), FixedFormat(31, 25)
    edges = np.array([fa.qmin, fa.qmax, 0, 1, -1, fa.qmin + 1], np.int32)
    a = np.tile(edges, (1, 6)).reshape(1, 36)
    b = np.repeat(np.array([fb.qmin, fb.qmax, 0, 1, -1, fb.qmax - 1], np.int32), 6).reshape(1, 36)
    for out in (FixedFormat(32, 30, rounding="RND_CONV", overflow="SAT"),
                FixedFormat(16, 4, rounding="RND", overflow="WRAP"),
                FixedFormat(8, 12, rounding="TRN", overflow="SAT_SYM")):
        assert_c_equals_simulator(*one_op("mul", [(a, fa, False), (b, fb, False)], out,
                                          {"activation": activation}))
    coarse = FixedFormat(6, 9)  # products at 2^-(-3-3): relu6 clamps at a finer point
    c = np.arange(-32, 32, dtype=np.int32).reshape(1, 64)
    assert_c_equals_simulator(*one_op("mul", [(c, coarse, False), (c[:, ::-1].copy(), coarse,
                                                                 False)],
                                      FixedFormat(12, 10, rounding="RND", overflow="SAT"),
                                      {"activation": activation}))


def test_mul_whose_product_leaves_int64_is_refused():
    fa = FixedFormat(32, 16)
    graph, _ = one_op("mul", [(np.zeros((1, 4), np.int32), fa, False),
                              (np.zeros((1, 4), np.int32), fa, False)], FixedFormat(16, 8))
    with pytest.raises(UnsupportedError, match="beyond the int64 kernel"):
        kernel_params(graph.ops[0], graph)


def run_concat(graph, feeds) -> np.ndarray:
    """es_concat_fx on every sample, its arguments from the code generator's parameters."""
    rt = formats_runtime()
    op = graph.ops[0]
    kp = kernel_params(op, graph)
    assert kp.kernel == "es_concat_fx"
    params: CStruct = kp.args["params"]
    casts: CArray = kp.args["casts"]
    out_t = graph.tensors[op.outputs[0]]
    input_dims = rt.new("es_dims[]", [dims(graph.tensors[n].shape) for n in op.inputs])
    result = np.zeros((next(iter(feeds.values())).shape[0],) + out_t.shape[1:], np.int32)
    for s in range(result.shape[0]):
        arrays = [np.ascontiguousarray(feeds[n][s:s + 1]) if n in feeds
                  else np.ascontiguousarray(graph.tensors[n].data) for n in op.inputs]
        pointers = rt.new("int32_t *[]", [rt.ffi.from_buffer("int32_t[]", x) for x in arrays])
        out = np.zeros(out_t.size, np.int32)
        rt.ok(rt.lib.es_concat_fx(rt.struct(params), rt.array(casts), input_dims, pointers,
                                  rt.dims(out_t.shape), rt.ffi.from_buffer("int32_t[]", out)))
        result[s] = out.reshape(out_t.shape[1:])
    return result


@pytest.mark.parametrize("axis", [-1, 1, 2, 3])
@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_concat_of_inputs_of_different_types(rng, axis, activation):
    for rounding, overflow in MODES[::3]:
        out = random_type(rng, (3, 20), (-2, 12), rounding=rounding, overflow=overflow)
        inputs = []
        for k in range(3):
            fmt = random_type(rng, (2, 16), (out.integer_bits - 3, out.integer_bits + 4))
            shape = [2, 3, 4, 2]
            shape[axis % 4] = k + 1
            inputs.append((raw(rng, fmt, tuple(shape), extremes=bool(k % 2)), fmt, False))
        graph, feeds = one_op("concat", inputs, out, {"axis": axis, "activation": activation})
        np.testing.assert_array_equal(run_concat(graph, feeds), simulate(graph, feeds)["y"])


def test_concat_with_a_constant_input(rng):
    fx, fc = FixedFormat(10, 4), FixedFormat(6, 2, signed=False)
    x = raw(rng, fx, (3, 5), extremes=True)
    graph, feeds = one_op("concat", [(x, fx, False), (np.arange(8, dtype=np.int32).reshape(1, 8)
                                                      * 9 % 64, fc, True)],
                          FixedFormat(8, 3, rounding="RND", overflow="SAT"), {"axis": 1})
    np.testing.assert_array_equal(run_concat(graph, feeds), simulate(graph, feeds)["y"])
