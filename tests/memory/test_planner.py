"""Arena plans of hand-built graphs, with every offset worked out by hand.

Greedy places buffers largest first (ties: written first), each at the
lowest 16-aligned offset clear of every placed buffer live at a common step.
Lifetimes of each graph are in the docstrings of :mod:`.cases`.
"""

from __future__ import annotations

import dataclasses

import pytest

from edgesmith.memory import check_plan, lower_bound, plan_arena

from . import cases
from .graphs import GraphBuilder

STRATEGIES = ("greedy", "optimal")


@pytest.mark.parametrize("case", cases.ALL, ids=lambda f: f.__name__)
@pytest.mark.parametrize("inplace", [False, True])
@pytest.mark.parametrize("strategy", STRATEGIES)
def test_every_plan_is_valid_and_not_below_its_bounds(case, strategy, inplace):
    graph = case()
    plan = plan_arena(graph, strategy, inplace=inplace)
    check_plan(graph, plan)
    assert plan.lower_bound_bytes == lower_bound(graph)
    assert plan.ram_bytes == plan.arena_bytes >= max(plan.steps)
    assert all(off % 16 == 0 for off in plan.offsets.values())
    if not inplace:
        assert plan.lower_bound_bytes <= plan.arena_bytes
        assert max(plan.steps) == plan.lower_bound_bytes


def test_chain():
    # order t0 512, x 256 (written at 0), t1 256 (written at 1), t2 128.
    # t0 -> 0; x meets t0 at step 0 -> 512; t1 meets t0 at step 1 -> 512;
    # t2 meets t1 [512, 768) at step 2 -> 0. Arena 768 = lower bound (steps 0, 1).
    plan = plan_arena(cases.chain())
    assert plan.offsets == {"x": 512, "t0": 0, "t1": 512, "t2": 0}
    assert plan.arena_bytes == plan.lower_bound_bytes == 768
    assert plan.steps == (768, 768, 384)
    assert plan.proven_optimal


def test_resnet_block_without_inplace():
    # all 256 B but y; by first write: x, a, b, c, d.
    # x -> 0; a meets x -> 256; b [1,2] meets a -> 0; c [2,3] meets a, b -> 512;
    # d [3,4] meets a @256, c @512 -> 0; y [4,4] meets d [0, 256) -> 256.
    # Steps 2 (a, b, c) and 3 (a, c, d) hold 768 B.
    plan = plan_arena(cases.resnet_block(), inplace=False)
    assert plan.offsets == {"x": 0, "a": 256, "b": 0, "c": 512, "d": 0, "y": 256}
    assert plan.arena_bytes == plan.lower_bound_bytes == 768
    assert plan.steps == (512, 512, 768, 768, 384)


def test_resnet_block_add_runs_over_the_skip_input():
    # a dies at the add (step 3), so d = a + c is written over a: one 256 B buffer
    # {a, d} live over steps 0-4. x -> 0; {a, d} -> 256; b -> 0; c meets {a, d}, b -> 512;
    # y [4,4] meets {a, d} [256, 512) only -> 0. Step 3 drops to 512 B; step 2 still 768.
    plan = plan_arena(cases.resnet_block())
    assert [(op.op_index, op.input, op.output) for op in plan.inplace_ops] == [(3, "a", "d")]
    assert plan.offsets == {"x": 0, "a": 256, "d": 256, "b": 0, "c": 512, "y": 0}
    assert plan.steps == (512, 512, 768, 512, 384)
    assert plan.arena_bytes == 768


def test_reshape_output_shares_its_input_buffer():
    # {a, r}: one 128 B buffer over steps 0-2 -> 0; x 64 B meets it at step 0 -> 128;
    # y 16 B meets it at step 2 -> 128. Step 1 counts a and r once: 128 B.
    plan = plan_arena(cases.reshape_view())
    assert plan.offsets == {"x": 128, "a": 0, "r": 0, "y": 128}
    assert plan.steps == (192, 128, 144)
    assert plan.arena_bytes == plan.lower_bound_bytes == 192
    assert plan.inplace_ops == ()


def test_relu_in_place_goes_below_the_lower_bound():
    # Without in-place: a -> 0; b meets a at step 1 -> 512; x meets a -> 512; y meets b -> 0.
    # Arena 1024 = lower bound (step 1: a + b).
    plain = plan_arena(cases.conv_relu(), inplace=False)
    assert plain.offsets == {"x": 512, "a": 0, "b": 512, "y": 0}
    assert plain.arena_bytes == plain.lower_bound_bytes == 1024
    # In place: {a, b} is one 512 B buffer over steps 0-2 -> 0; x and y each meet
    # only it -> 512. Step 1 holds 512 B; the peak is step 0, x + a = 768.
    plan = plan_arena(cases.conv_relu())
    assert [(op.op_type, op.input, op.output) for op in plan.inplace_ops] == [("relu", "a", "b")]
    assert plan.offsets == {"x": 512, "a": 0, "b": 0, "y": 512}
    assert plan.steps == (768, 512, 640)
    assert plan.arena_bytes == 768 < plan.lower_bound_bytes == 1024


def test_depthwise_in_place_with_channel_scratch():
    # The scratch holds one output channel: OH*OW = 4*4 = 16 B, live at step 1 only.
    # {a, b} is 512 B over steps 0-1 (a) and 128 B at step 2 (b) -> 0.
    # Then y 256 B [2,2] meets {a, b} at step 2 where it is [0, 128) -> 128;
    # x 64 B [0,0] meets [0, 512) -> 512; scratch [1,1] meets [0, 512) -> 512.
    # Steps: 64+512, 512+16, 128+256. Arena 576 < lower bound 640 (step 1: a + b).
    plan = plan_arena(cases.depthwise_stride2())
    (op,) = plan.inplace_ops
    assert (op.op_index, op.input, op.output, op.scratch_bytes) == (1, "a", "b", 16)
    assert plan.offsets == {"x": 512, "a": 0, "b": 0, op.scratch: 512, "y": 128}
    assert plan.steps == (576, 528, 384)
    assert plan.arena_bytes == 576 < plan.lower_bound_bytes == 640


def test_optimal_beats_greedy_where_greedy_is_trapped():
    graph = cases.greedy_trap()
    # Greedy: t2 80 B -> 0; x 64 B (dead before t2) -> 0; t1 48 B meets t2 [0, 80) -> 80;
    # t0 32 B meets x [0, 64) and t1 [80, 128): the 16 B gap is too small -> 128. Arena 160.
    greedy = plan_arena(graph, "greedy")
    assert greedy.offsets == {"x": 0, "t0": 128, "t1": 80, "t2": 0}
    assert greedy.arena_bytes == 160 and not greedy.proven_optimal
    # The lower bound is step 2, t1 + t2 = 128, and it is reachable:
    # x 0, t0 64; t1 0 (x is dead); t2 48 (above t1). Offsets may differ, not the size.
    best = plan_arena(graph, "optimal")
    check_plan(graph, best)
    assert best.arena_bytes == best.lower_bound_bytes == 128 < greedy.arena_bytes
    assert best.proven_optimal


def test_optimal_never_loses_to_greedy_even_when_cut_short():
    graph = cases.greedy_trap()
    plan = plan_arena(graph, "optimal", time_limit_s=0.0)
    check_plan(graph, plan)
    assert plan.arena_bytes <= 160


def test_inputs_and_outputs_outside_the_arena():
    # x (256 B) and t2 (128 B) are caller buffers; t0 -> 0, t1 meets t0 -> 512.
    graph = cases.chain()
    plan = plan_arena(graph, inputs_in_arena=False)
    check_plan(graph, plan)
    assert plan.offsets == {"t0": 0, "t1": 512}
    assert (plan.arena_bytes, plan.io_bytes, plan.ram_bytes) == (768, 384, 1152)
    assert plan.lower_bound_bytes <= plan.ram_bytes


@pytest.mark.parametrize("alignment, offsets, arena", [
    # sizes x 10, t0 20, t1 5. t0 -> 0; x and t1 each meet only t0 -> first slot above it.
    (1, {"x": 20, "t0": 0, "t1": 20}, 30),
    (4, {"x": 20, "t0": 0, "t1": 20}, 32),    # x takes 3 slots of 4: ends at 32
    (16, {"x": 32, "t0": 0, "t1": 32}, 48),   # t0 takes 2 slots of 16
])
def test_alignment(alignment, offsets, arena):
    b = GraphBuilder("odd_sizes", (1, 10))
    b.fc(b.fc("x", "t0", 20), "t1", 5)
    graph = b.done("t1")
    plan = plan_arena(graph, alignment=alignment)
    check_plan(graph, plan)
    assert (plan.offsets, plan.arena_bytes, plan.lower_bound_bytes) == (offsets, arena, 30)


def test_bad_arguments():
    with pytest.raises(ValueError, match="strategy"):
        plan_arena(cases.chain(), "first_fit")
    with pytest.raises(ValueError, match="alignment"):
        plan_arena(cases.chain(), alignment=0)


def test_plan_is_frozen_and_summarized():
    plan = plan_arena(cases.depthwise_stride2())
    with pytest.raises(dataclasses.FrozenInstanceError):
        plan.arena_bytes = 0
    assert "depthwise_conv2d in place" in plan.summary()


def test_the_solver_child_equals_the_solver_and_a_failed_child_falls_back(monkeypatch):
    """With TensorFlow loaded first CP-SAT cannot run in process: a bare child interpreter
    solves instead, and a child that dies leaves the valid greedy placement, never a hang."""
    from edgesmith.memory import greedy, optimal

    blocks = [[(0, 1, 4)], [(1, 2, 4)], [(0, 2, 2)], [(2, 3, 6)]]
    hint, _ = greedy.place(blocks)
    # (not compared with an in-process solve: this test may run after TensorFlow is loaded)
    offsets, proven = optimal._solve_in_child(blocks, hint, 5)
    assert proven and greedy.arena_end(blocks, offsets) == 12  # live 4 + 2 + 6 at step 2
    monkeypatch.setattr(optimal, "_CHILD", "import os; os.abort()")
    assert optimal._solve_in_child(blocks, hint, 5) == (hint, False)
