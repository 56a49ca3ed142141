"""The arena of generated code: the planner, limited to kernels that may run in place."""

import pytest

from edgesmith.codegen.c_plan import C_INPLACE_OPS, out_of_place_op_types, plan_c_arena
from edgesmith.frontends.tflite import load_tflite
from edgesmith.memory import check_plan, plan_arena

from tests.helpers.paths import SHARED_MODELS

MLPERF = SHARED_MODELS / "mlperf_tiny"


def test_depthwise_conv2d_is_never_planned_in_place():
    # the reference depthwise kernel has no per-channel scratch scheme
    graph = load_tflite(MLPERF / "str_ww_ref_model.tflite")
    free = plan_arena(graph, "optimal")
    assert {r.op_type for r in free.inplace_ops} == {"depthwise_conv2d"}
    plan = plan_c_arena(graph, "optimal")
    assert plan.inplace_ops == () and plan.arena_bytes == 6656 > free.arena_bytes == 6144
    assert out_of_place_op_types(graph) == ["depthwise_conv2d"]
    check_plan(graph, plan)


@pytest.mark.parametrize("strategy", ["greedy", "optimal"])
def test_elementwise_ops_still_run_in_place(strategy):
    graph = load_tflite(MLPERF / "pretrainedResnet_quant.tflite")
    plan = plan_c_arena(graph, strategy)
    assert [r.op_type for r in plan.inplace_ops] == ["add"] * 3
    assert all(r.op_type in C_INPLACE_OPS for r in plan.inplace_ops)
    assert plan.inputs_in_arena and plan.alignment == 16 and plan.io_bytes == 0
    assert plan_c_arena(graph, strategy, inplace=False).inplace_ops == ()
