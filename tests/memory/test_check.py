"""check_plan fails on every kind of broken plan (a checker that cannot fail is no check)."""

from __future__ import annotations

import dataclasses

import pytest

from edgesmith.memory import InplaceOp, InvalidPlanError, check_plan, plan_arena

from . import cases
from .graphs import GraphBuilder


def broken(plan, **changes):
    return dataclasses.replace(plan, **changes)


def test_overlapping_live_tensors():
    graph = cases.chain()
    plan = plan_arena(graph)  # x 512, t0 0, t1 512, t2 0
    with pytest.raises(InvalidPlanError, match="x .* overlaps t0"):
        check_plan(graph, broken(plan, offsets={**plan.offsets, "x": 256}))


def test_tensor_beyond_the_arena_or_misaligned_or_missing():
    graph = cases.chain()
    plan = plan_arena(graph)
    with pytest.raises(InvalidPlanError, match="beyond the arena"):
        check_plan(graph, broken(plan, arena_bytes=512, ram_bytes=512))
    with pytest.raises(InvalidPlanError, match="not 16-aligned"):
        check_plan(graph, broken(plan, offsets={**plan.offsets, "t2": 8}))
    with pytest.raises(InvalidPlanError, match="t1 is not planned"):
        check_plan(graph, broken(plan, offsets={k: v for k, v in plan.offsets.items()
                                                 if k != "t1"}))


def test_view_away_from_its_source():
    graph = cases.reshape_view()
    plan = plan_arena(graph)
    offsets = {**plan.offsets, "r": 256}
    with pytest.raises(InvalidPlanError, match="view r is not at the address of a"):
        check_plan(graph, broken(plan, offsets=offsets, arena_bytes=384, ram_bytes=384))


def test_shared_address_without_an_in_place_op():
    graph = cases.conv_relu()
    plan = plan_arena(graph)
    with pytest.raises(InvalidPlanError, match="overlaps"):
        check_plan(graph, broken(plan, inplace_ops=()))


def test_in_place_claimed_for_a_kernel_that_cannot():
    # c = conv(b) put over b: b dies at that conv, but a conv reads a window of
    # every channel for each output, so it cannot run in place
    graph = cases.resnet_block()
    plan = plan_arena(graph, inplace=False)
    bogus = InplaceOp(2, "conv2d", "b", "c")
    offsets = {**plan.offsets, "c": plan.offsets["b"]}
    with pytest.raises(InvalidPlanError, match="cannot write c over b"):
        check_plan(graph, broken(plan, offsets=offsets, inplace_ops=(bogus,)))


def test_in_place_input_still_live_after_the_op():
    # b = relu(a) recorded in place although the add reads a afterwards
    b = GraphBuilder("reread", (1, 16))
    a = b.fc("x", "a", 32)
    b.op("add", [a, b.op("relu", [a], "b")], "y")
    graph = b.done("y")
    plan = plan_arena(graph, inplace=False)
    offsets = {**plan.offsets, "b": plan.offsets["a"]}
    with pytest.raises(InvalidPlanError, match="overlaps"):
        check_plan(graph, broken(plan, offsets=offsets,
                                 inplace_ops=(InplaceOp(1, "relu", "a", "b"),)))


def test_depthwise_scratch_must_be_planned_apart():
    graph = cases.depthwise_stride2()
    plan = plan_arena(graph)
    (op,) = plan.inplace_ops
    with pytest.raises(InvalidPlanError, match="overlaps"):
        check_plan(graph, broken(plan, offsets={**plan.offsets, op.scratch: 0}))
    with pytest.raises(InvalidPlanError, match="scratch of 8 B"):
        check_plan(graph, broken(plan, inplace_ops=(dataclasses.replace(op, scratch_bytes=8),)))


def test_totals_must_add_up():
    graph = cases.chain()
    plan = plan_arena(graph, inputs_in_arena=False)
    with pytest.raises(InvalidPlanError, match="do not add up"):
        check_plan(graph, broken(plan, io_bytes=0))


def test_arena_beyond_the_limit_is_refused_before_planning():
    """17 int8 inputs of 16 Mi elements are live together: 272 MiB, above the arena limit."""
    from edgesmith.errors import ResourceLimitError
    from edgesmith.io.limits import MAX_ARENA_BYTES

    shape = (1, 4096, 4096)
    b = GraphBuilder("huge", *([shape] * 17))
    total = "x0"
    for k in range(1, 17):
        total = b.op("add", [total, f"x{k}"], f"s{k}")
    graph = b.done(total)
    assert 17 * 4096 * 4096 > MAX_ARENA_BYTES
    with pytest.raises(ResourceLimitError, match="smallest arena .* more than edgesmith accepts"):
        plan_arena(graph)
