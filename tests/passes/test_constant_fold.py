"""ConstantFold: ops whose inputs are all float constants become constants."""

from __future__ import annotations

import numpy as np
from edgesmith.frontends.builder import GraphBuilder
from edgesmith.passes import ConstantFold

from tests.passes.rewrite_check import check_rewrite, rand


def test_a_chain_of_constant_ops_folds_into_one_constant():
    b = GraphBuilder("g")
    x = b.input("x", (1, 4))
    c1, c2, c3 = b.const("c1", rand(4)), b.const("c2", rand(4)), b.const("c3", rand(4))
    scaled = b.op("mul", [c1, c2], name="scaled")
    shifted = b.op("add", [scaled, c3], {"activation": "relu"}, name="shifted")
    before = b.finish([b.op("add", [x, shifted], name="y")])
    data = before.tensors
    expected_value = np.maximum(data["c1"].data * data["c2"].data + data["c3"].data, 0)

    e = GraphBuilder("g")
    x = e.input("x", (1, 4))
    folded = e.graph.add_const("shifted", expected_value.astype(np.float32))
    e.op("add", [x, folded.name], name="y")
    check_rewrite(ConstantFold(), before, e.finish(["y"]), runnable_before=False)


def test_reshaped_weights_fold_without_the_batch_convention():
    b = GraphBuilder("g")
    x = b.input("x", (1, 6))
    w = b.op("reshape", [b.const("w_flat", rand(24))], {"shape": (4, 6)}, name="w")
    before = b.finish([b.op("fully_connected", [x, w], name="y")])

    e = GraphBuilder("g")
    x = e.input("x", (1, 6))
    e.op("fully_connected", [x, e.const("w", before.tensors["w_flat"].data.reshape(4, 6))],
         name="y")
    check_rewrite(ConstantFold(), before, e.finish(["y"]), runnable_before=False)


def test_ops_reading_activations_or_writing_outputs_stay():
    b = GraphBuilder("g")
    x = b.input("x", (1, 3))
    y = b.op("add", [x, b.const("c", rand(3))], name="y")
    z = b.op("mul", [b.const("k1", rand(3)), b.const("k2", rand(3))], name="z")
    before = b.finish([y, z])  # z is a graph output: it stays an op
    check_rewrite(ConstantFold(), before, before.copy(), runnable_before=False)
