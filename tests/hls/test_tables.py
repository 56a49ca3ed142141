"""Activation tables: computed once in Python, exact raw integers, close to the functions."""

from __future__ import annotations

import numpy as np
from edgesmith.hls.tables import ENTRY_FORMAT, lookup_table, softmax_tables
from edgesmith.sim import simulate

from tests.hls.fixed_graphs import FixedBuilder, fx


def one_op(op_type: str, shape, x_fmt, out_fmt):
    f = FixedBuilder(op_type)
    x = f.input("x", shape, x_fmt)
    graph = f.finish([f.op(op_type, [x], out_fmt, name="y")])
    return graph, graph.ops[0]


def test_softmax_tables_and_kernel():
    graph, op = one_op("softmax", (1, 5), fx(16, 6), fx(16, 6))
    t = softmax_tables(op, graph)
    assert t.exp_values[0] == 1 << ENTRY_FORMAT.frac_bits  # exp(0) = 1 exactly: sum >= 1
    assert np.all(np.diff(t.exp_values) <= 0)
    assert (len(t.exp_values), len(t.inv_values), t.sum_format.describe()) == \
        (1024, 1024, "ufixed<21,4,TRN,WRAP>")
    rng = np.random.default_rng(0)
    real = rng.normal(0, 3, size=(500, 5))
    raw = graph.tensors["x"].fmt.quantize(real)
    probs = graph.tensors["y"].fmt.dequantize(simulate(graph, raw)["y"])
    exact = np.exp(real - real.max(1, keepdims=True))
    exact /= exact.sum(1, keepdims=True)
    assert np.abs(probs - exact).max() < 0.03
    assert np.all(np.abs(probs.sum(1) - 1) < 0.03)


def test_sigmoid_and_tanh_tables():
    for op_type, f in (("logistic", lambda v: 1 / (1 + np.exp(-v))), ("tanh", np.tanh)):
        graph, op = one_op(op_type, (1, 64), fx(12, 4), fx(12, 2, "RND", "SAT"))
        t = lookup_table(op, graph)
        assert len(t.values) == 1024 and np.all(np.diff(t.values) >= 0)
        raw = np.arange(-2048, 2048, 64, dtype=np.int32).reshape(1, 64)
        got = graph.tensors["y"].fmt.dequantize(simulate(graph, raw)["y"])
        assert np.abs(got - f(raw * 2.0 ** -8)).max() < 0.02


def test_coarse_inputs_get_smaller_tables():
    graph, op = one_op("logistic", (1, 4), fx(6, 5), fx(8, 1))  # 1 fractional bit
    t = lookup_table(op, graph)
    assert len(t.values) == 2 ** (1 + 3 + 1) and t.shift == 0
