"""RemoveIdentity: no-op ops disappear, reshape chains collapse, output names stay."""

from __future__ import annotations

import numpy as np
import pytest
from edgesmith.frontends.builder import GraphBuilder
from edgesmith.ir import AffineFormat
from edgesmith.passes import RemoveIdentity

from tests.helpers.graphs import assert_same_graph
from tests.passes.rewrite_check import check_rewrite, rand

IDENTITIES = {
    "reshape": ([], {"shape": (1, 4, 4, 3)}),
    "pad": ([], {"pads": ((0, 0),) * 4}),
    "concat": ([], {"axis": 3}),
    "avg_pool2d": ([], {"kernel": (1, 1)}),
    "max_pool2d": ([], {"kernel": (1, 1)}),
    "add": ([np.zeros(3, np.float32)], {}),
    "mul": ([np.ones((1, 1, 1, 3), np.float32)], {}),
}


def around(op_type, extra_consts, attrs, output_is_identity: bool):
    """x -> tanh -> [identity] -> (softmax) : the identity in the middle or at the end."""
    b = GraphBuilder("g")
    t = b.op("tanh", [b.input("x", (1, 4, 4, 3))], name="t")
    consts = [b.const(f"c{k}", c) for k, c in enumerate(extra_consts)]
    i = b.op(op_type, [t, *consts], attrs, name="i")
    return b.finish([i] if output_is_identity else [b.op("softmax", [i], name="s")])


@pytest.mark.parametrize("op_type", sorted(IDENTITIES))
def test_identity_in_the_middle_is_removed(op_type):
    before = around(op_type, *IDENTITIES[op_type], output_is_identity=False)
    e = GraphBuilder("g")
    t = e.op("tanh", [e.input("x", (1, 4, 4, 3))], name="t")
    e.op("softmax", [t], name="s")
    check_rewrite(RemoveIdentity(), before, e.finish(["s"]))


@pytest.mark.parametrize("op_type", ["reshape", "add"])
def test_identity_writing_a_graph_output_hands_its_name_to_the_producer(op_type):
    before = around(op_type, *IDENTITIES[op_type], output_is_identity=True)
    e = GraphBuilder("g")
    e.op("tanh", [e.input("x", (1, 4, 4, 3))], name="i")
    check_rewrite(RemoveIdentity(), before, e.finish(["i"]))


@pytest.mark.parametrize("op_type,consts,attrs", [
    ("add", [np.full(3, 0.5, np.float32)], {}),
    ("mul", [np.ones(3, np.float32)], {"activation": "relu"}),
    ("avg_pool2d", [], {"kernel": (1, 1), "stride": (2, 2)}),
    ("pad", [], {"pads": ((0, 0), (0, 1), (0, 0), (0, 0))}),
])
def test_ops_that_change_values_stay(op_type, consts, attrs):
    before = around(op_type, consts, attrs, output_is_identity=False)
    check_rewrite(RemoveIdentity(), before, before.copy())


def test_identity_from_input_to_output_stays():
    b = GraphBuilder("g")
    x = b.input("x", (1, 3))
    before = b.finish([b.op("reshape", [x], {"shape": (1, 3)}, name="y")])
    check_rewrite(RemoveIdentity(), before, before.copy())


def test_reshape_chains_collapse():
    """The Conv1D pattern: [N,W,C] -> [N,1,W,C] -> conv -> [N,W,C] -> [N,1,W,C] -> conv."""
    b = GraphBuilder("g")
    x = b.input("x", (1, 6, 2))
    v = b.op("reshape", [x], {"shape": (1, 1, 6, 2)}, name="v")
    c1 = b.op("conv2d", [v, b.const("w1", rand(2, 1, 1, 2))], name="c1")
    back = b.op("reshape", [c1], {"shape": (1, 6, 2)}, name="back")
    again = b.op("reshape", [back], {"shape": (1, 1, 6, 2)}, name="again")
    c2 = b.op("conv2d", [again, b.const("w2", rand(2, 1, 1, 2))], name="c2")
    flat = b.op("reshape", [b.op("reshape", [c2], {"shape": (1, 6, 2)}, name="r1")],
                {"shape": (1, 12)}, name="flat")
    before = b.finish([flat])

    e = GraphBuilder("g")
    x = e.input("x", (1, 6, 2))
    v = e.op("reshape", [x], {"shape": (1, 1, 6, 2)}, name="v")
    c1 = e.op("conv2d", [v, e.const("w1", before.tensors["w1"].data)], name="c1")
    c2 = e.op("conv2d", [c1, e.const("w2", before.tensors["w2"].data)], name="c2")
    e.op("reshape", [c2], {"shape": (1, 12)}, name="flat")
    check_rewrite(RemoveIdentity(), before, e.finish(["flat"]))


def test_quantized_reshape_with_a_new_format_stays():
    before = around("reshape", *IDENTITIES["reshape"], output_is_identity=False)
    for name, scale in (("t", 0.1), ("i", 0.2)):
        before.tensors[name].dtype, before.tensors[name].fmt = "int8", AffineFormat([scale], [0])
    assert_same_graph(RemoveIdentity().apply(before), before)
