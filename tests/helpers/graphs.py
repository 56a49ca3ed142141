"""Comparing graphs in tests."""

from __future__ import annotations

import numpy as np

from edgesmith.ir import Graph


def assert_same_graph(a: Graph, b: Graph) -> None:
    """Structural equality of two graphs (op types, wiring, attrs, shapes, constants)."""
    assert [op.type for op in a.ops] == [op.type for op in b.ops], "op sequence differs"
    assert a.inputs == b.inputs and a.outputs == b.outputs, "graph inputs/outputs differ"
    for x, y in zip(a.ops, b.ops):
        assert x.inputs == y.inputs and x.outputs == y.outputs, f"wiring of {x.type} differs"
        assert x.attrs == y.attrs, f"attrs of {x.type} differ: {x.attrs} vs {y.attrs}"
    assert set(a.tensors) == set(b.tensors), "tensor sets differ"
    for name, t in a.tensors.items():
        u = b.tensors[name]
        assert t.shape == u.shape and t.dtype == u.dtype, f"tensor {name} differs"
        assert (t.data is None) == (u.data is None), f"constness of {name} differs"
        if t.data is not None:
            np.testing.assert_array_equal(t.data, u.data, err_msg=name)
