"""Which ops the planner runs in place, and which it must not."""

from __future__ import annotations

import pytest

from edgesmith.ir import AffineFormat
from edgesmith.memory import check_plan, plan_arena

from . import cases
from .graphs import GraphBuilder


def inplace_ops(graph, **options):
    plan = plan_arena(graph, **options)
    check_plan(graph, plan)
    return [(op.op_type, op.input, op.output) for op in plan.inplace_ops]


@pytest.mark.parametrize("op_type", ["relu", "relu6", "relu_n1_to_1", "logistic", "tanh"])
def test_activations_run_in_place(op_type):
    b = GraphBuilder("act", (1, 16))
    b.op(op_type, [b.fc("x", "a", 32)], "b")
    b.fc("b", "y", 4)
    assert inplace_ops(b.done("y")) == [(op_type, "a", "b")]


def test_chains_of_in_place_ops_share_one_buffer():
    b = GraphBuilder("chain_of_acts", (1, 16))
    b.op("relu6", [b.op("relu", [b.fc("x", "a", 32)], "b")], "c")
    b.fc("c", "y", 4)
    graph = b.done("y")
    plan = plan_arena(graph)
    assert plan.offsets["a"] == plan.offsets["b"] == plan.offsets["c"]
    assert [op.op_index for op in plan.inplace_ops] == [1, 2]


def test_softmax_never_runs_in_place():
    b = GraphBuilder("softmax", (1, 16))
    b.op("softmax", [b.fc("x", "a", 10)], "y")
    assert inplace_ops(b.done("y")) == []


def test_integer_requantize_runs_in_place_and_dequantize_does_not():
    b = GraphBuilder("requant", (1, 16))
    b.op("quantize", [b.fc("x", "a", 32)], "q")
    b.graph.tensors["q"].fmt = AffineFormat([0.1], [3])
    b.op("dequantize", [b.fc("q", "c", 8)], "y")
    graph = b.graph
    graph.tensors["y"].dtype, graph.tensors["y"].fmt = "float32", None
    assert inplace_ops(b.done("y")) == [("quantize", "a", "q")]


def test_an_input_read_later_is_not_overwritten():
    # b = relu(a) cannot overwrite a, which the add reads afterwards; the add can,
    # since both its inputs die there; it takes the first one.
    b = GraphBuilder("reread", (1, 16))
    a = b.fc("x", "a", 32)
    b.op("add", [a, b.op("relu", [a], "b")], "y")
    assert inplace_ops(b.done("y")) == [("add", "a", "y")]


def test_an_operand_read_twice_is_not_overwritten():
    b = GraphBuilder("square", (1, 16))
    b.op("mul", [b.fc("x", "a", 32), "a"], "y")
    assert inplace_ops(b.done("y")) == []


def test_broadcast_add_overwrites_only_the_full_size_operand():
    b = GraphBuilder("bias_add", (1, 4, 4, 8), (1, 1, 1, 8))
    b.op("add", ["x1", b.conv("x0", "a", 8)], "y")
    b.conv("y", "z", 2)
    assert inplace_ops(b.done("z")) == [("add", "a", "y")]


def test_graph_outputs_are_never_overwritten():
    b = GraphBuilder("output_then_relu", (1, 16))
    b.op("relu", [b.fc("x", "a", 32)], "b")
    assert inplace_ops(b.done("a", "b")) == []


def test_caller_buffers_stay_out_of_in_place_pairs():
    b = GraphBuilder("relu_on_input", (1, 16))
    b.fc(b.op("relu", ["x"], "a"), "y", 4)
    graph = b.done("y")
    assert inplace_ops(graph) == [("relu", "x", "a")]
    assert inplace_ops(graph, inputs_in_arena=False) == []


def test_views_and_in_place_share_one_address():
    # r = reshape(a) is a view; the relu overwrites r, so a, r and b share an offset
    b = GraphBuilder("view_then_relu", (1, 4, 4, 2))
    b.op("relu", [b.op("reshape", [b.conv("x", "a", 4)], "r", shape=(1, 64))], "b")
    b.fc("b", "y", 4)
    graph = b.done("y")
    plan = plan_arena(graph)
    check_plan(graph, plan)
    assert plan.offsets["a"] == plan.offsets["r"] == plan.offsets["b"]


@pytest.mark.parametrize("pads, multiplier, expected", [
    ((1, 1, 1, 1), 1, 64),     # same spatial size: in place, scratch 8*8
    ((2, 2, 2, 2), 1, None),   # output 10x10 > input 8x8: not in place
    ((1, 1, 1, 1), 2, None),   # channel multiplier 2: output channels do not map onto inputs
])
def test_depthwise_in_place_conditions(pads, multiplier, expected):
    b = GraphBuilder("dw", (1, 8, 8, 4))
    b.depthwise(b.conv("x", "a", 4), "b", 3, multiplier, pads=pads)
    b.conv("b", "y", 2)
    graph = b.done("y")
    plan = plan_arena(graph)
    check_plan(graph, plan)
    scratch = [op.scratch_bytes for op in plan.inplace_ops]
    assert scratch == ([] if expected is None else [expected])


def test_inplace_off():
    graph = cases.conv_relu()
    plan = plan_arena(graph, inplace=False)
    assert plan.inplace_ops == ()
    assert plan.offsets["a"] != plan.offsets["b"] and plan.arena_bytes == 1024
