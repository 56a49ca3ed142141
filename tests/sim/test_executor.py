"""simulate(): input binding, batching, intermediates and kernel dispatch."""

import sys

import numpy as np
import pytest
from edgesmith.errors import EdgesmithError, UnsupportedError
from edgesmith.ir import AffineFormat, Graph, Op, Tensor
from edgesmith.sim import simulate

from tests.ir.graphs import int8_conv_graph


def test_batch_of_any_size_equals_sample_by_sample():
    graph = int8_conv_graph()
    x = np.random.default_rng(0).integers(-128, 128, size=(5, 4, 4, 2), dtype=np.int8)
    whole = simulate(graph, x)["z"]
    assert whole.shape == (5, 48) and whole.dtype == np.int8
    for i in range(5):
        np.testing.assert_array_equal(simulate(graph, x[i:i + 1])["z"][0], whole[i])


def test_dict_inputs_and_intermediates():
    graph = int8_conv_graph()
    x = np.zeros((2, 4, 4, 2), np.int8)
    out = simulate(graph, {"x": x}, keep_intermediates=True)
    assert set(out) == {"x", "y", "z"}
    assert out["y"].shape == (2, 4, 4, 3)
    assert set(simulate(graph, {"x": x})) == {"z"}


def test_input_checks_name_the_problem():
    graph = int8_conv_graph()
    with pytest.raises(EdgesmithError, match="expected dtype int8"):
        simulate(graph, np.zeros((1, 4, 4, 2), np.float32))
    with pytest.raises(EdgesmithError, match=r"expected shape \[N, 4, 4, 2\]"):
        simulate(graph, np.zeros((1, 4, 4, 3), np.int8))
    with pytest.raises(EdgesmithError, match="missing"):
        simulate(graph, {"w": np.zeros((1, 4, 4, 2), np.int8)})


def test_declared_defaults_fill_absent_attrs():
    # hand-built graphs may leave declared attrs out (dilation here)
    graph = int8_conv_graph()
    assert "dilation" not in graph.ops[0].attrs
    assert simulate(graph, np.ones((1, 4, 4, 2), np.int8))["z"].shape == (1, 48)


def _float_graph() -> Graph:
    g = Graph("f")
    g.add_tensor(Tensor("x", (1, 3), "float32"))
    g.add_tensor(Tensor("q", (1, 3), "int8", AffineFormat([0.1], [0])))
    g.add_tensor(Tensor("d", (1, 3), "float32"))
    g.add_tensor(Tensor("y", (1, 3), "float32"))
    g.add_op(Op("quantize", ["x"], ["q"]))
    g.add_op(Op("dequantize", ["q"], ["d"]))
    g.add_op(Op("relu", ["d"], ["y"]))
    g.inputs, g.outputs = ["x"], ["y"]
    return g


def test_quantize_and_dequantize_cross_between_float_and_int8():
    out = simulate(_float_graph(), np.array([[-0.26, 0.05, 0.34]], np.float32))["y"]
    np.testing.assert_allclose(out, [[0.0, 0.1, 0.3]], rtol=1e-6)


def test_float_ops_need_the_float_reference(monkeypatch):
    monkeypatch.setitem(sys.modules, "edgesmith.sim.float_ref", None)  # import fails
    with pytest.raises(NotImplementedError, match="float_ref"):
        simulate(_float_graph(), np.zeros((1, 3), np.float32))


def test_int8_op_without_kernel_is_named():
    g = Graph("bn")
    fmt = AffineFormat([0.1], [0])
    g.add_tensor(Tensor("x", (1, 2), "int8", fmt))
    for name in ("g", "b", "m", "v"):
        g.add_const(name, np.ones(2, np.float32))
    g.add_tensor(Tensor("y", (1, 2), "int8", fmt))
    g.add_op(Op("batch_norm", ["x", "g", "b", "m", "v"], ["y"], origin="layer bn1"))
    g.inputs, g.outputs = ["x"], ["y"]
    with pytest.raises(UnsupportedError,
                       match="layer bn1: the simulator has no int8 kernel for 'batch_norm'"):
        simulate(g, np.zeros((1, 2), np.int8))
