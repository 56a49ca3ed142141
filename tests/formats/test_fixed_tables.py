"""Activation tables (edgesmith.sim.fixed_tables): computed once in Python, exact raw
integers, close to the functions; the simulator's kernels for softmax, sigmoid and tanh."""

from __future__ import annotations

import itertools
import subprocess
import sys

import numpy as np
import pytest
from edgesmith import _sim
from edgesmith.errors import UnsupportedError
from edgesmith.ir.fixed import ROUNDING_MODES
from edgesmith.sim import simulate
from edgesmith.arith.fixed_tables import (
    ENTRY_FORMAT,
    PRODUCT_FRAC_BITS,
    PRODUCT_INTEGER_BITS,
    PRODUCT_WIDTH,
    lookup_table,
    product_cast_is_refused,
    softmax_tables,
)

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


def test_product_cast_refusal_is_the_simulator_cast_refusal():
    """The check run before any cast agrees with the cast's own refusal, for every mode and
    output LSBs around the product's integer bits."""
    product_type = _sim.FixedType(PRODUCT_WIDTH, PRODUCT_INTEGER_BITS, False, "TRN", "WRAP")
    for rounding, integer_bits, signed in itertools.product(
            ROUNDING_MODES, range(2, 16), (True, False)):
        out = fx(8, integer_bits, rounding, "SAT", signed=signed)
        try:
            _sim.fixed_cast(np.zeros(1, np.int64), product_type, out.sim_type())
            refused = False
        except ValueError:
            refused = True
        assert product_cast_is_refused(out) == refused, out.describe()


def test_softmax_refuses_what_it_cannot_cast_into():
    graph, op = one_op("softmax", (1, 4), fx(16, 6), fx(8, 12, "RND", "SAT"))
    with pytest.raises(UnsupportedError, match="too coarse"):
        softmax_tables(op, graph)
    graph, op = one_op("softmax", (1, 4), fx(16, 6), fx(8, 12, "TRN", "SAT"))
    assert softmax_tables(op, graph).output_drop == PRODUCT_FRAC_BITS + 4


def test_table_kernels_need_no_hls_import():
    """The simulator runs softmax, sigmoid and tanh on its own (no edgesmith.hls import)."""
    code = (
        "import sys, numpy as np\n"
        "from edgesmith.sim.fixed_kernels import FIXED_KERNELS\n"
        "from edgesmith.quant.fixed import fixed_ops\n"
        "assert {'softmax', 'logistic', 'tanh'} <= fixed_ops()\n"
        "assert not any(m.startswith('edgesmith.hls') for m in sys.modules)\n")
    subprocess.run([sys.executable, "-c", code], check=True)
