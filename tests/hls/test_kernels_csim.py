"""Every es_hls kernel on edge values, in both I/O styles, against the simulator.

One graph (tests/hls/fixed_graphs.py) runs each kernel into an output of its
own with formats chosen for saturation, wrap-around, every rounding mode and
ties; the inputs start with all-minimum, all-maximum, zero and alternating
extremes, then 300 random samples. One compile per I/O style.
"""

from __future__ import annotations

import numpy as np
import pytest
from edgesmith.verify.csim import verify_csim
from edgesmith.hls.tbdata import random_fixed_inputs
from edgesmith.sim import simulate
from numpy.testing import assert_array_equal

from tests.hls.conftest import CLOCK_NS, PART
from tests.hls.fixed_graphs import edge_inputs, kernel_graph

pytestmark = pytest.mark.usefixtures("toolchain")


@pytest.fixture(scope="module")
def graph():
    return kernel_graph()


@pytest.fixture(scope="module")
def batch(graph):
    return edge_inputs(graph, random_fixed_inputs(graph, 300, seed=3))


@pytest.fixture(scope="module")
def expected(graph, batch):
    return simulate(graph, batch)


@pytest.fixture(scope="module", params=["parallel", "stream"])
def csim(request, graph, batch):
    return verify_csim(graph, batch, part=PART, clock_ns=CLOCK_NS, io=request.param)


def test_every_kernel_output_equals_the_simulator(graph, expected, csim):
    report, run = csim
    for name in graph.outputs:
        assert_array_equal(run.outputs[name], np.asarray(expected[name], np.int64),
                           err_msg=f"kernel output {name}")
    assert report.ok and run.returncode == 0


def test_the_graph_covers_every_kernel(graph):
    from edgesmith.hls.layers import build_layers

    kernels = {layer.kernel for layer in build_layers(graph) if not layer.alias}
    assert kernels == {"dense", "conv2d", "conv1d", "depthwise_conv2d", "pooling2d",
                       "global_pooling2d", "add", "multiply", "add_broadcast",
                       "multiply_broadcast", "concatenate", "activation",
                       "logistic", "tanh", "softmax", "gather", "subtract",
                       "subtract_broadcast", "reverse_subtract_broadcast", "maximum",
                       "minimum_broadcast", "squared_difference",
                       "squared_difference_broadcast", "prelu_broadcast", "abs", "elu",
                       "hard_swish"}


def test_edges_are_reached(graph, batch, expected):
    """The outputs saturate, wrap and round ties, so the comparison above tests them."""
    def fmt(name):
        return graph.tensors[name].fmt

    assert np.any(expected["dense_relu"] == fmt("dense_relu").qmax)  # SAT at the top
    assert np.any(expected["tanh"] == fmt("tanh").qmin)
    # SAT_SYM never gives the most negative code
    assert not np.any(expected["relu_n1"] == fmt("relu_n1").qmin)
    assert np.any(expected["abs"] == fmt("abs").qmax)  # |x| beyond the output saturates
    assert np.any(expected["sub_from_scalar"] == -fmt("sub_from_scalar").qmax)  # SAT_SYM
    assert np.any(expected["squared_difference"] == fmt("squared_difference").qmax)
    vec = batch["vec"]
    for name, point in (("elu", 0), ("hard_swish", 3)):  # both the table and the identity
        above = vec * 2.0 ** -fmt("vec").frac_bits >= point
        assert above.any() and (~above).any(), name
    assert np.any((vec < 0) & (expected["leaky_relu"] < 0))
    # the 3x3 mean (cells inside the image) lands exactly half an output LSB away often
    x = batch["img"].astype(np.float64) * 2.0 ** -fmt("img").frac_bits
    padded = np.pad(x, ((0, 0), (1, 1), (1, 1), (0, 0)), constant_values=np.nan)
    windows = np.lib.stride_tricks.sliding_window_view(padded, (3, 3), axis=(1, 2))
    mean = np.nanmean(windows, axis=(-2, -1))
    scaled = np.maximum(mean, 0) * 2.0 ** fmt("avg_pool_ties").frac_bits
    ties = np.isclose(scaled - np.floor(scaled), 0.5)
    assert ties.mean() > 0.01
