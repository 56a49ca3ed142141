"""FuseActivation: relu / relu6 / relu_n1_to_1 after a fusing op become its attr."""

from __future__ import annotations

import pytest
from edgesmith.frontends.builder import GraphBuilder
from edgesmith.ir import AffineFormat
from edgesmith.passes import FuseActivation

from tests.helpers.graphs import assert_same_graph
from tests.passes.rewrite_check import check_rewrite, rand

# fusing op -> (input shapes, constant inputs (name, shape), attrs)
PRODUCERS = {
    "conv2d": ([(1, 5, 5, 2)], [("w", (3, 3, 3, 2)), ("b", (3,))], {"pads": (1, 1, 1, 1)}),
    "depthwise_conv2d": ([(1, 5, 5, 2)], [("w", (1, 3, 3, 2))], {}),
    "fully_connected": ([(1, 6)], [("w", (4, 6)), ("b", (4,))], {}),
    "add": ([(1, 3, 4), (1, 3, 4)], [], {}),
    "avg_pool2d": ([(1, 4, 4, 2)], [], {"kernel": (2, 2), "stride": (2, 2)}),
    "max_pool2d": ([(1, 4, 4, 2)], [], {"kernel": (3, 3), "pads": (1, 1, 1, 1)}),
    "concat": ([(1, 2, 3), (1, 2, 5)], [], {"axis": 2}),
}


def producer_graph(op_type: str, activation_after: str | None, producer_activation="none"):
    """inputs -> op_type -> [activation op]; returns the builder and the last tensor."""
    shapes, consts, attrs = PRODUCERS[op_type]
    b = GraphBuilder("g")
    inputs = [b.input(f"x{k}", s) for k, s in enumerate(shapes)]
    inputs += [b.const(name, rand(*shape)) for name, shape in consts]
    y = b.op(op_type, inputs, {**attrs, "activation": producer_activation}, name="y")
    if activation_after is None:
        return b, y
    return b, b.op(activation_after, [y], name="out")


@pytest.mark.parametrize("activation", ["relu", "relu6", "relu_n1_to_1"])
@pytest.mark.parametrize("op_type", sorted(PRODUCERS))
def test_activation_becomes_the_attr(op_type, activation):
    b, out = producer_graph(op_type, activation)
    before = b.finish([out])
    e = GraphBuilder("g")
    shapes, consts, attrs = PRODUCERS[op_type]
    inputs = [e.input(f"x{k}", s) for k, s in enumerate(shapes)]
    inputs += [e.const(name, before.tensors[name].data) for name, _ in consts]
    e.op(op_type, inputs, {**attrs, "activation": activation}, name="out")
    check_rewrite(FuseActivation(), before, e.finish(["out"]))


def test_fuses_through_a_reshape_and_keeps_reader_names():
    b = GraphBuilder("g")
    x = b.input("x", (1, 6))
    y = b.op("fully_connected", [x, b.const("w", rand(4, 6))], name="y")
    r = b.op("reshape", [y], {"shape": (1, 2, 2)}, name="r")
    z = b.op("relu6", [r], name="z")
    before = b.finish([b.op("softmax", [z], name="p")])

    e = GraphBuilder("g")
    x = e.input("x", (1, 6))
    y = e.op("fully_connected", [x, e.const("w", before.tensors["w"].data)],
             {"activation": "relu6"}, name="y")
    r = e.op("reshape", [y], {"shape": (1, 2, 2)}, name="r")
    e.op("softmax", [r], name="p")
    check_rewrite(FuseActivation(), before, e.finish(["p"]))


@pytest.mark.parametrize("case", ["producer_has_activation", "two_readers", "producer_is_output",
                                  "not_a_clamp", "not_a_fusing_op"])
def test_left_alone(case):
    if case == "producer_has_activation":
        b, out = producer_graph("conv2d", "relu6", producer_activation="relu")
        outputs = [out]
    elif case in ("two_readers", "producer_is_output"):
        b, y = producer_graph("conv2d", None)
        out = b.op("relu", [y], name="out")
        outputs = [out, b.op("tanh", [y], name="t")] if case == "two_readers" else [out, y]
    elif case == "not_a_clamp":
        b, out = producer_graph("conv2d", "logistic")
        outputs = [out]
    else:
        b = GraphBuilder("g")
        x = b.input("x", (1, 4))
        outputs = [b.op("relu", [b.op("softmax", [x], name="s")], name="out")]
    before = b.finish(outputs)
    check_rewrite(FuseActivation(), before, before.copy())


def test_quantized_ops_are_not_fused():
    b, out = producer_graph("add", "relu")
    graph = b.finish([out])
    for name, scale in (("x0", 0.1), ("x1", 0.1), ("y", 0.2), ("out", 0.1)):
        graph.tensors[name].dtype, graph.tensors[name].fmt = "int8", AffineFormat([scale], [0])
    assert_same_graph(FuseActivation().apply(graph), graph)
