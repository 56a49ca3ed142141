"""HGQ2 layer configurations beside the jet tagger's: a functional model imported live,
a standalone ``Quantizer`` (RND_CONV, SAT_SYM, one format) as the model input with
``enable_iq=False`` after it, and an output quantizer with a format per lane (SAT, signed
and unsigned lanes), which the importer joins with ``concat``."""

from __future__ import annotations

import numpy as np
import pytest
from edgesmith.frontends import load_model
from edgesmith.sim import simulate
from numpy.testing import assert_array_equal

from tests.helpers.hgq_check import hgq_keras, skip_without_hgq

skip_without_hgq()
SAMPLES = 300


@pytest.fixture(scope="module")
def model_and_graph():
    keras = hgq_keras()
    from hgq.layers import QDense
    from hgq.quantizer import Quantizer, QuantizerConfig

    keras.utils.set_random_seed(5)
    inp = keras.Input((12,))
    h = Quantizer(QuantizerConfig("kbi", "datalane", overflow_mode="SAT_SYM",
                                  round_mode="RND_CONV", heterogeneous_axis=()), name="inq")(inp)
    h = QDense(8, activation="relu", enable_iq=False, name="hidden")(h)
    out = QDense(3, enable_oq=True, name="head",
                 oq_conf=QuantizerConfig("kif", "datalane", overflow_mode="SAT"))(h)
    model = keras.Model(inp, out)
    oq = model.get_layer("head").oq.quantizer
    # a format per output lane: fixed<4,1>, ufixed<6,1>, fixed<5,3>
    oq._k.assign(np.array([[1, 0, 1]], np.uint8))
    oq._i.assign(np.array([[0.0, 1.0, 2.0]]))
    oq._f.assign(np.array([[3.0, 5.0, 2.0]]))
    graph = load_model(model)
    x = np.random.default_rng(0).normal(size=(SAMPLES, 12)).astype(np.float32) * 2
    raw = graph.tensors[graph.inputs[0]].fmt.quantize(x)
    return model, graph, x, raw


def test_simulator_equals_hgq2_prediction(model_and_graph):
    model, graph, x, raw = model_and_graph
    assert [op.type for op in graph.ops].count("concat") == 2
    out = graph.outputs[0]
    expected = np.ldexp(np.asarray(model.predict(x, verbose=0), np.float64),
                        graph.tensors[out].fmt.frac_bits)
    assert_array_equal(expected, np.round(expected))
    got = simulate(graph, raw)[out].astype(np.int64)
    assert_array_equal(got, expected.astype(np.int64))
    # the lanes saturate at their own bounds: fixed<4,1> tops at 0.875, ufixed<6,1> at 0
    assert got[:, 0].max() == 7 * 4 and got[:, 1].min() == 0


def test_generated_c_equals_simulator(model_and_graph):
    from edgesmith.verify.host import verify_host

    _, graph, _, raw = model_and_graph
    report = verify_host(graph, raw)
    assert (report.samples, report.mismatched_samples) == (SAMPLES, 0)


@pytest.mark.slow
def test_hls_csim_equals_simulator(model_and_graph):
    from edgesmith.verify.csim import verify_csim
    from tests.hls.conftest import CLOCK_NS, PART

    _, graph, _, raw = model_and_graph
    report, run = verify_csim(graph, {graph.inputs[0]: raw}, part=PART, clock_ns=CLOCK_NS,
                              io="parallel")
    assert (report.samples, report.mismatched_samples, run.returncode) == (SAMPLES, 0, 0)
