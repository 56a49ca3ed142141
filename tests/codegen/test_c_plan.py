"""The arena of generated code: the planner, limited to kernels that may run in place."""

import pytest

from edgesmith.codegen.c_plan import C_INPLACE_OPS, out_of_place_op_types, plan_c_arena
from edgesmith.frontends.tflite import load_tflite
from edgesmith.memory import check_plan, plan_arena

from tests.helpers.paths import SHARED_MODELS

MLPERF = SHARED_MODELS / "mlperf_tiny"


def test_int8_depthwise_conv2d_runs_in_place_with_its_scratch():
    # es_depthwise_conv2d_s8_inplace keeps the planner's contract: the code reaches its arena
    graph = load_tflite(MLPERF / "str_ww_ref_model.tflite")
    free = plan_arena(graph, "optimal", inputs_in_arena=True, alignment=16)
    plan = plan_c_arena(graph, "optimal")
    assert plan.arena_bytes == free.arena_bytes == 6144 < plan.lower_bound_bytes == 6656
    assert [r.op_type for r in plan.inplace_ops] == ["depthwise_conv2d"] * 4
    for r in plan.inplace_ops:
        _, oh, ow, _ = graph.tensors[r.output].shape
        assert r.scratch in plan.offsets and r.scratch_bytes == oh * ow
        assert plan.offsets[r.input] == plan.offsets[r.output]
    assert out_of_place_op_types(graph) == []
    check_plan(graph, plan)


def test_a_depthwise_conv2d_that_must_survive_stays_out_of_place():
    # its input is also a graph output: the planner keeps it intact, and so does the code
    graph = load_tflite(MLPERF / "str_ww_ref_model.tflite")
    first = graph.ops[0]
    assert first.type == "depthwise_conv2d"
    graph.outputs = [first.inputs[0]] + graph.outputs
    plan = plan_c_arena(graph, "optimal")
    assert [r.op_index for r in plan.inplace_ops] == [2, 4, 6]
    assert plan.offsets[first.inputs[0]] != plan.offsets[first.outputs[0]]
    check_plan(graph, plan)


@pytest.mark.parametrize("strategy", ["greedy", "optimal"])
def test_elementwise_ops_still_run_in_place(strategy):
    graph = load_tflite(MLPERF / "pretrainedResnet_quant.tflite")
    plan = plan_c_arena(graph, strategy)
    assert [r.op_type for r in plan.inplace_ops] == ["add"] * 3
    assert all(r.op_type in C_INPLACE_OPS for r in plan.inplace_ops)
    assert plan.inputs_in_arena and plan.alignment == 16 and plan.io_bytes == 0
    assert plan_c_arena(graph, strategy, inplace=False).inplace_ops == ()
