"""The simulator's tree_ensemble kernels (float features and int8 features) on hand-built
ensembles whose every score is worked out by hand."""

from __future__ import annotations

import numpy as np

from edgesmith.ir import AffineFormat, verify_graph
from edgesmith.sim import simulate
from edgesmith.ir.tree_ensemble import TreeEnsemble
from edgesmith.trees.graph import ensemble_graph

# two stumps on two outputs: tree 0 splits feature 0 at 0.5, tree 1 feature 1 at -1
STUMPS = dict(n_features=2, feature=[0, -1, -1, 1, -1, -1],
              threshold=[0.5, 0, 0, -1.0, 0, 0], left=[1, -1, -1, 4, -1, -1],
              right=[2, -1, -1, 5, -1, -1],
              value=[[0], [1.5], [-2.0], [0], [0.25], [4.0]], roots=[0, 3], target=[0, 1],
              base=[10.0, 20.0])


def test_float_features_add_each_leaf_to_its_output():
    graph = ensemble_graph(TreeEnsemble(**STUMPS))
    x = np.array([[0.5, -1.0], [0.50000006, -0.99999994]], np.float32)  # on and just above
    out = simulate(graph, x)["scores"]
    np.testing.assert_array_equal(out, np.array([[11.5, 20.25], [8.0, 24.0]]))
    assert out.dtype == np.float64


def test_average_divides_by_the_trees_of_each_output_in_float32():
    ens = TreeEnsemble(**{**STUMPS, "target": [0, 0], "base": [0.0]}, average=True,
                       accumulate="float32")
    out = simulate(ensemble_graph(ens), np.array([[0.0, 0.0]], np.float32))["scores"]
    np.testing.assert_array_equal(out, np.array([[(1.5 + 4.0) / 2]], np.float32))
    assert out.dtype == np.float32


def test_int8_features_compare_with_integer_thresholds():
    graph = ensemble_graph(TreeEnsemble(**STUMPS))
    op = graph.ops[0]
    graph.tensors[op.inputs[2]].data = np.array([3, 0, 0, -7, 0, 0], np.int16)
    graph.tensors[op.inputs[2]].dtype = "int16"
    x_t = graph.tensors[graph.inputs[0]]
    x_t.dtype, x_t.fmt = "int8", AffineFormat([0.1, 0.1], [0, 0], axis=1)
    verify_graph(graph)
    q = np.array([[3, -7], [4, -6]], np.int8)
    out = simulate(graph, q)["scores"]
    np.testing.assert_array_equal(out, np.array([[11.5, 20.25], [8.0, 24.0]]))
