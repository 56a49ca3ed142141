"""Layout choices that must not change a bit: integer sums for dyadic leaves, shared
value rows; checked on hand-built ensembles through the host C against the simulator."""

from __future__ import annotations

import numpy as np
import pytest

from edgesmith.codegen.c_trees import generate_tree_c
from edgesmith.sim import simulate
from edgesmith.ir.tree_ensemble import TreeEnsemble
from edgesmith.trees.graph import ensemble_graph
from edgesmith.trees.layout import lay_out
from edgesmith.verify.trees_host import run_tree_c_host


def stumps(values, base, n_trees=40, accumulate="float64", average=False):
    """n_trees stumps on feature t % 3, leaves from ``values`` in turn, one output."""
    feature, threshold, left, right, value, roots = [], [], [], [], [], []
    for t in range(n_trees):
        r = 3 * t
        roots.append(r)
        feature += [t % 3, -1, -1]
        threshold += [0.1 * (t % 5) - 0.2, 0, 0]
        left += [r + 1, -1, -1]
        right += [r + 2, -1, -1]
        value += [[0.0], [values[t % len(values)]], [values[(t + 1) % len(values)]]]
    return TreeEnsemble(n_features=3, feature=feature, threshold=threshold, left=left,
                        right=right, value=value, roots=roots, target=[0] * n_trees,
                        base=[base], accumulate=accumulate, average=average)


@pytest.mark.parametrize("values,base,accumulate,shift", [
    ([0.5, -0.25, 3.0], 1.0, "float64", 2),
    ([0.5, -0.25, 3.0], 0.125, "float32", 3),
    ([1.0, 0.0], 0.0, "float64", 0),
    ([0.1, 0.2], 0.0, "float64", None),          # not dyadic: float sums
    ([2.0 ** 30, 1.0], 0.0, "float64", None),    # the integer sum would overflow int32
    ([0.5, 1.0], -0.0, "float64", None),         # a -0.0 start keeps its sign in floats
])
def test_integer_sums_only_where_exact_and_equal_to_the_float_sums(values, base, accumulate,
                                                                 shift, tmp_path):
    ens = stumps(values, base, accumulate=accumulate, average=True)
    assert lay_out(ens).int_shift == shift
    graph = ensemble_graph(ens)
    x = np.random.default_rng(0).uniform(-0.5, 0.5, (300, 3)).astype(np.float32)
    generate_tree_c(graph, tmp_path / "c")
    scores, _ = run_tree_c_host(tmp_path / "c", x)
    want = simulate(graph, x)["scores"]
    np.testing.assert_array_equal(scores, want)
    assert len(np.unique(want)) > 5  # the samples reach many different sums


def test_leaves_with_equal_values_share_a_row():
    layout = lay_out(stumps([0.5, -0.25, 3.0], 1.0))
    assert layout.n_leaves == 80 and layout.n_rows == 3
