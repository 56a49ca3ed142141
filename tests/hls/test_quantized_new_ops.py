"""A float graph of the newer elementwise ops and reductions through the fixed-point
quantizer (``quantize --scheme fixed``): the generated C on the host and the HLS
C-simulation equal the simulator bit for bit, and the simulator stays close to float."""

from __future__ import annotations

import numpy as np
import pytest
from edgesmith.frontends.builder import GraphBuilder
from edgesmith.quant import quantize_graph
from edgesmith.sim import simulate
from edgesmith.verify.host import verify_host

from tests.hls.conftest import CLOCK_NS, PART


def float_graph():
    rng = np.random.default_rng(0)
    b = GraphBuilder("new_fx_ops")
    x = b.input("x", (1, 4, 4, 3))
    y = b.input("y", (1, 4, 4, 3))
    shift = b.const("shift", rng.normal(size=3).astype(np.float32))
    alpha = b.const("alpha", np.array([0.1, 0.25, -0.5], np.float32))
    d = b.op("sub", [x, shift], name="sub_const")
    outs = [
        b.op("sub", [shift, y], {"activation": "relu"}, name="sub_from_const"),
        b.op("maximum", [d, y], name="maximum"),
        b.op("minimum", [x, shift], name="minimum_const"),
        b.op("squared_difference", [x, y], name="squared_difference"),
        b.op("prelu", [d, alpha], name="prelu"),
        b.op("leaky_relu", [x], {"alpha": 0.2}, name="leaky_relu"),
        b.op("abs", [d], name="abs"),
        b.op("elu", [d], name="elu"),
        b.op("hard_swish", [x], name="hard_swish"),
        b.op("pad", [y], {"pads": ((0, 0), (1, 1), (0, 2), (0, 0))}, name="pad"),
        b.op("mirror_pad", [x], {"pads": ((0, 0), (1, 2), (2, 1), (0, 0))}, name="mirror_pad"),
    ]
    return b.finish(outs)


@pytest.fixture(scope="module")
def fixed():
    graph = float_graph()
    rng = np.random.default_rng(1)
    calib = {n: (rng.normal(size=(64, 4, 4, 3)) * 2).astype(np.float32) for n in graph.inputs}
    return graph, quantize_graph(graph, calib, scheme="fixed"), calib


def test_simulator_is_close_to_float(fixed):
    graph, q, calib = fixed
    reference = simulate(graph, calib)
    raw = simulate(q, {n: q.tensors[n].fmt.quantize(v) for n, v in calib.items()})
    for name in graph.outputs:
        real = q.tensors[name].fmt.dequantize(raw[name])
        # 16-bit types: a few output LSB (tables: within the table's step)
        assert np.max(np.abs(real - reference[name])) < 0.02, name


def test_generated_c_equals_the_simulator(fixed):
    _, q, calib = fixed
    batch = {n: q.tensors[n].fmt.quantize(v[:24]) for n, v in calib.items()}
    report = verify_host(q, batch)
    assert report.ok, report.first_mismatch
    assert report.samples == 24


@pytest.mark.slow  # ~40 s of g++; every kernel it uses is in test_kernels_csim.py too
@pytest.mark.usefixtures("toolchain")
def test_hls_csim_equals_the_simulator(fixed):
    from edgesmith.verify.csim import verify_csim

    _, q, calib = fixed
    batch = {n: q.tensors[n].fmt.quantize(v[:24]) for n, v in calib.items()}
    report, run = verify_csim(q, batch, part=PART, clock_ns=CLOCK_NS)
    expected = simulate(q, batch)
    for name in q.outputs:
        np.testing.assert_array_equal(run.outputs[name], np.asarray(expected[name], np.int64))
    assert report.ok and run.returncode == 0
