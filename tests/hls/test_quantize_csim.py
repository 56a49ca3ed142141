"""The HLS fixed-point cast (``quantize`` between two formats, as the HGQ2 importer writes
it for every activation quantizer) equals the simulator on edge values: rounding ties of
RND, TRN and RND_CONV, WRAP, SAT and SAT_SYM, signed and unsigned targets."""

from __future__ import annotations

import numpy as np
import pytest
from edgesmith.hls.tbdata import random_fixed_inputs
from edgesmith.sim import simulate
from edgesmith.verify.csim import verify_csim
from numpy.testing import assert_array_equal

from tests.hls.conftest import CLOCK_NS, PART
from tests.hls.fixed_graphs import FixedBuilder, edge_inputs, fx

pytestmark = pytest.mark.usefixtures("toolchain")

#: name -> the target format (the input is fixed<12,4>: 8 fractional bits)
CASTS = {"rnd_wrap": fx(6, 2, "RND", "WRAP"), "rnd_sat_sym": fx(5, 1, "RND", "SAT_SYM"),
         "trn_sat_unsigned": fx(6, 2, "TRN", "SAT", signed=False),
         "conv_sat": fx(8, 3, "RND_CONV", "SAT"), "coarse_rnd_wrap": fx(4, 5, "RND", "WRAP"),
         "wider": fx(20, 6, "RND", "SAT")}


@pytest.fixture(scope="module")
def graph():
    f = FixedBuilder("casts")
    x = f.input("x", (1, 24), fx(12, 4))
    return f.finish([f.op("quantize", [x], fmt, name=name) for name, fmt in CASTS.items()])


def test_cast_equals_simulator(graph):
    batch = edge_inputs(graph, random_fixed_inputs(graph, 200, seed=5))
    expected = simulate(graph, batch)
    report, run = verify_csim(graph, batch, part=PART, clock_ns=CLOCK_NS, io="parallel")
    for name in graph.outputs:
        assert_array_equal(run.outputs[name], np.asarray(expected[name], np.int64),
                           err_msg=f"cast {name}")
    assert (report.mismatched_samples, run.returncode) == (0, 0)
    # the edges are reached: saturation at both ends, symmetric minimum, wrap-around
    assert np.any(expected["rnd_sat_sym"] == -CASTS["rnd_sat_sym"].qmax)
    assert not np.any(expected["rnd_sat_sym"] == CASTS["rnd_sat_sym"].qmin)
    assert np.any(expected["trn_sat_unsigned"] == 0)
    assert np.any(expected["trn_sat_unsigned"] == CASTS["trn_sat_unsigned"].qmax)
    x = batch["x"].astype(np.int64)
    assert np.any((x % 16) == 8)  # ties of the 4-bit-coarser casts


def test_cast_from_float_is_refused():
    from edgesmith.errors import UnsupportedError
    from edgesmith.frontends.builder import GraphBuilder
    from edgesmith.hls.layers import build_layers

    b = GraphBuilder("float_in")
    x = b.input("x", (1, 4))
    b.op("quantize", [x], name="q")
    g = b.finish(["q"])
    g.tensors["q"].fmt, g.tensors["q"].dtype = fx(8, 3), "int32"
    with pytest.raises(UnsupportedError, match="quantize from float has no HLS kernel"):
        build_layers(g)
