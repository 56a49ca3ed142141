"""Small hand-built graphs shared by IR, I/O and pass tests."""

from __future__ import annotations

import numpy as np

from edgesmith.ir import AffineFormat, Graph, Op, Tensor


def int8_conv_graph() -> Graph:
    """input [1,4,4,2] -> conv2d 3x3 same (3 filters, per-channel) + relu -> reshape [1,48]."""
    g = Graph("tiny_conv")
    g.add_tensor(Tensor("x", (1, 4, 4, 2), "int8", AffineFormat([0.5], [-3])))
    w = np.arange(54, dtype=np.int8).reshape(3, 3, 3, 2) - 27
    g.add_const("w", w, AffineFormat([0.01, 0.02, 0.03], [0, 0, 0], axis=0))
    g.add_const("b", np.array([1, -2, 3], np.int32),
                AffineFormat([0.005, 0.01, 0.015], [0, 0, 0], axis=0, bits=32))
    g.add_tensor(Tensor("y", (1, 4, 4, 3), "int8", AffineFormat([0.25], [-128])))
    g.add_tensor(Tensor("z", (1, 48), "int8", AffineFormat([0.25], [-128])))
    g.add_op(Op("conv2d", ["x", "w", "b"], ["y"],
                {"stride": (1, 1), "pads": (1, 1, 1, 1), "activation": "relu"}))
    g.add_op(Op("reshape", ["y"], ["z"], {"shape": (1, 48)}))
    g.inputs, g.outputs = ["x"], ["z"]
    return g
