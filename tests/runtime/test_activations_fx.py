"""es_softmax_fx, es_logistic_fx and es_tanh_fx (table activations) against the simulator's
table kernels (edgesmith.sim.fixed_tables): the tables reach C through the code generator's
own parameter structs, and the raw outputs must be equal on every edge: equal rows,
saturating and very negative inputs, one dominant value, coarse and very fine inputs,
every output mode."""

import itertools

import numpy as np
import pytest
from edgesmith.codegen.c_params import kernel_params
from edgesmith.errors import UnsupportedError
from edgesmith.ir import FixedFormat
from edgesmith.ir.fixed import OVERFLOW_MODES, ROUNDING_MODES
from edgesmith.arith.fixed_tables import softmax_tables

from .formats_harness import assert_c_equals_simulator, formats_runtime, one_op

MODES = list(itertools.product(ROUNDING_MODES, OVERFLOW_MODES))
PROBABILITY = FixedFormat(16, 0, signed=False, rounding="RND", overflow="SAT")


def every_raw(fmt: FixedFormat) -> np.ndarray:
    return np.arange(fmt.qmin, fmt.qmax + 1, dtype=np.int64).astype(np.int32).reshape(1, -1)


def edge_rows(fmt: FixedFormat, depth: int) -> np.ndarray:
    """Rows a softmax must survive, as raw values of ``fmt``."""
    lo, hi = fmt.qmin, fmt.qmax
    rows = [np.full(depth, 0), np.full(depth, lo), np.full(depth, hi),  # equal rows
            np.r_[hi, np.full(depth - 1, lo)],  # one dominant value, the rest saturated low
            np.r_[np.full(depth - 1, lo), lo + 1],  # very negative, one a step above
            np.r_[np.full(depth - 1, hi), hi - 1],  # saturated high, one a step below
            np.resize([lo, hi], depth), np.resize([0, 1, -1], depth)]
    return np.stack(rows).astype(np.int32)


def softmax_case(x_fmt: FixedFormat, out: FixedFormat, rows: np.ndarray, beta: float = 1.0):
    return one_op("softmax", [(rows.reshape(rows.shape[0], 1, -1), x_fmt, False)], out,
                  {"beta": beta})


@pytest.mark.parametrize("x_fmt", [FixedFormat(16, 6), FixedFormat(8, 3), FixedFormat(32, 12),
                                   FixedFormat(12, -2), FixedFormat(6, 5),
                                   FixedFormat(10, 4, signed=False)])
@pytest.mark.parametrize("depth", [1, 2, 10, 33])
def test_softmax_edges(x_fmt, depth):
    assert_c_equals_simulator(*softmax_case(x_fmt, PROBABILITY, edge_rows(x_fmt, depth)))


def test_softmax_known_values():
    """Equal rows give 1/n and one dominant value gives 1, both within the 1/sum table's
    step (its entries are 1 / the centre of a step); values far below the maximum give 0."""
    x_fmt = FixedFormat(16, 6)
    golden = assert_c_equals_simulator(*softmax_case(x_fmt, PROBABILITY, edge_rows(x_fmt, 4)))
    golden = golden.reshape(-1, 4)
    np.testing.assert_allclose(golden[:3], 1 << 14, rtol=1e-3)  # 1/4 of ufixed<16,0>
    assert golden[3, 0] > 0.995 * (1 << 16) and not golden[3, 1:].any()


@pytest.mark.parametrize("rounding,overflow", MODES)
def test_softmax_every_output_mode(rng, rounding, overflow):
    x_fmt = FixedFormat(12, 5)
    rows = np.concatenate([edge_rows(x_fmt, 7),
                           rng.integers(x_fmt.qmin, x_fmt.qmax + 1, (40, 7), dtype=np.int32)])
    for out in (FixedFormat(8, 0, signed=False, rounding=rounding, overflow=overflow),
                FixedFormat(10, 1, rounding=rounding, overflow=overflow),
                FixedFormat(16, 6, rounding=rounding, overflow=overflow),
                FixedFormat(3, -2, signed=False, rounding=rounding, overflow=overflow),
                FixedFormat(31, 2, signed=False, rounding=rounding, overflow=overflow)):
        assert_c_equals_simulator(*softmax_case(x_fmt, out, rows))


@pytest.mark.parametrize("beta", [0.25, 1.0, 3.0])
def test_softmax_beta_and_random_rows(rng, beta):
    x_fmt = FixedFormat(16, 7)
    rows = rng.integers(x_fmt.qmin, x_fmt.qmax + 1, (64, 12), dtype=np.int32)
    rows[::3] = rng.integers(-600, 600, (rows[::3].shape), dtype=np.int32)  # close values
    assert_c_equals_simulator(*softmax_case(x_fmt, PROBABILITY, rows, beta))


def test_softmax_sums_on_the_inverse_table_steps(rng):
    """Rows whose exact sum of exponentials sits on either side of a 1/sum table step
    (low bits all ones, or all zeros): an index off by one LSB of the sum shows here."""
    x_fmt = FixedFormat(16, 5)
    candidates = rng.integers(-3000, 3000, (40000, 3), dtype=np.int32)
    graph, _ = softmax_case(x_fmt, PROBABILITY, candidates[:1])
    t = softmax_tables(graph.ops[0], graph)
    diff = candidates.max(axis=1, keepdims=True).astype(np.int64) - candidates
    sums = t.exp_values[np.minimum(diff >> t.exp_shift, len(t.exp_values) - 1)].sum(axis=1)
    low = sums & ((1 << t.inv_shift) - 1)
    rows = candidates[(low == 0) | (low == (1 << t.inv_shift) - 1)]
    assert t.inv_shift > 0 and len(rows) >= 10
    assert_c_equals_simulator(*softmax_case(x_fmt, PROBABILITY, rows))


def test_softmax_over_a_4d_tensor(rng):
    """Rows are the last axis of an NHWC tensor."""
    x_fmt = FixedFormat(14, 4)
    x = rng.integers(x_fmt.qmin, x_fmt.qmax + 1, (3, 2, 3, 5), dtype=np.int32)
    graph, feeds = one_op("softmax", [(x, x_fmt, False)], PROBABILITY, {"beta": 1.0})
    kp = kernel_params(graph.ops[0], graph)
    assert (kp.args["rows"], kp.args["depth"]) == (6, 5)
    assert_c_equals_simulator(graph, feeds)


def test_softmax_refuses_an_output_too_coarse_to_round_into():
    """LSB 2^4 with rounding: the ap_types headers abort on that cast, so it has no kernel."""
    graph, _ = one_op("softmax", [(np.zeros((1, 1, 4), np.int32), FixedFormat(16, 6), False)],
                      FixedFormat(8, 12, rounding="RND"), {"beta": 1.0})
    with pytest.raises(UnsupportedError, match="too coarse"):
        kernel_params(graph.ops[0], graph)


@pytest.mark.parametrize("op_type", ["logistic", "tanh"])
@pytest.mark.parametrize("x_fmt", [FixedFormat(8, 4), FixedFormat(12, 2), FixedFormat(6, 5),
                                   FixedFormat(10, 10), FixedFormat(9, 3, signed=False),
                                   FixedFormat(16, -3)])
def test_lookup_every_input(op_type, x_fmt):
    """Every raw input (the table's ends, the saturated region and the step boundaries)."""
    for out in (FixedFormat(8, 0, signed=False, rounding="RND", overflow="SAT"),
                FixedFormat(8, 1, rounding="RND", overflow="SAT"),
                FixedFormat(12, 2, rounding="TRN", overflow="WRAP")):
        assert_c_equals_simulator(*one_op(op_type, [(every_raw(x_fmt), x_fmt, False)], out))


@pytest.mark.parametrize("op_type", ["logistic", "tanh"])
@pytest.mark.parametrize("rounding,overflow", MODES)
def test_lookup_wide_inputs_every_output_mode(rng, op_type, rounding, overflow):
    for x_fmt in (FixedFormat(32, 8), FixedFormat(32, -30), FixedFormat(4, -60),
                  FixedFormat(31, 33, signed=False)):
        x = rng.integers(x_fmt.qmin, x_fmt.qmax + 1, (1, 200), dtype=np.int64)
        x[0, :6] = [x_fmt.qmin, x_fmt.qmax, 0, -1 if x_fmt.signed else 1, x_fmt.qmin + 1,
                    x_fmt.qmax - 1]
        out = FixedFormat(int(rng.integers(2, 17)), int(rng.integers(-1, 3)),
                          rounding=rounding, overflow=overflow)
        assert_c_equals_simulator(*one_op(op_type, [(x.astype(np.int32), x_fmt, False)], out))


def test_lookup_known_values():
    """Large inputs saturate to the function's ends, 0 maps to f(0) within a table step."""
    x_fmt, out = FixedFormat(16, 6), FixedFormat(16, 1, rounding="RND", overflow="SAT")
    x = x_fmt.quantize(np.array([[-30.0, 0.0, 30.0]]))
    sig = out.dequantize(assert_c_equals_simulator(*one_op("logistic", [(x, x_fmt, False)], out)))
    tanh = out.dequantize(assert_c_equals_simulator(*one_op("tanh", [(x, x_fmt, False)], out)))
    np.testing.assert_allclose(sig[0], [0, 0.5, 1], atol=0.01)
    np.testing.assert_allclose(tanh[0], [-1, 0, 1], atol=0.01)


def test_lookup_runs_in_place():
    """The planner runs logistic and tanh in place: output over input gives the same values."""
    x_fmt, out = FixedFormat(12, 4), FixedFormat(12, 1, rounding="RND", overflow="SAT")
    for op_type in ("logistic", "tanh"):
        graph, feeds = one_op(op_type, [(every_raw(x_fmt), x_fmt, False)], out)
        golden = assert_c_equals_simulator(graph, feeds)
        rt = formats_runtime()
        buffer = np.ascontiguousarray(feeds["x0"][0])
        pointer = rt.ffi.from_buffer("int32_t[]", buffer)
        kernel = getattr(rt.lib, f"es_{op_type}_fx")
        rt.ok(kernel(rt.struct(kernel_params(graph.ops[0], graph).args["params"]), buffer.size,
                     pointer, pointer))
        np.testing.assert_array_equal(buffer, golden[0])


def test_bad_table_arguments_are_refused():
    x_fmt = FixedFormat(8, 4)
    graph, _ = one_op("logistic", [(every_raw(x_fmt), x_fmt, False)], FixedFormat(8, 1))
    rt = formats_runtime()
    params = rt.struct(kernel_params(graph.ops[0], graph).args["params"])
    x = np.zeros(4, np.int32)
    ptr = rt.ffi.from_buffer("int32_t[]", x)
    assert rt.status_name(rt.lib.es_logistic_fx(params, 0, ptr, ptr)) == "ES_ERR_ARG"
    params.shift = 63
    assert rt.status_name(rt.lib.es_logistic_fx(params, 4, ptr, ptr)) == "ES_ERR_RANGE"
    params.shift, params.size = 0, 0
    assert rt.status_name(rt.lib.es_logistic_fx(params, 4, ptr, ptr)) == "ES_ERR_RANGE"
