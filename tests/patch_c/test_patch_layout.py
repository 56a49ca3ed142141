"""The patch stage's buffers in generated C: crops, tile and arena, checked by hand."""

import pytest
from edgesmith.codegen.c_patch_plan import (COPY_OP, CopyRegion, c_patch_layout,
                                            c_patch_report, plan_c_patch_arena)
from edgesmith.codegen.c_plan import plan_c_arena
from edgesmith.memory import check_plan
from edgesmith.memory.patch import plan_patches

from tests.patch.graphs import chain_graph, quantized, residual_graph

from .helpers import load_shared


@pytest.fixture(scope="module")
def chain():
    # 8x8x2 -> conv 3x3 pads 1 (8x8x8) -> depthwise 3x3 s2 pads (0,1,0,1) (4x4x8) -> conv 1x1
    graph = quantized(chain_graph())
    return graph, plan_patches(graph, 2, 2)


def test_the_model_input_is_cropped_per_patch(chain):
    # tile rows [0,2) of the split needs depthwise rows [0,5) (stride 2, kernel 3), so conv
    # rows [-1,6): input rows [0,6) with one row of top padding; tile rows [2,4) needs conv
    # rows [4,8) and input rows [3,8) with one row of bottom padding. Columns alike.
    graph, plan = chain
    layout = c_patch_layout(graph, plan)
    (crop,) = layout.crops[0]
    assert crop.source == graph.inputs[0]
    pitch = 8 * 2  # a full input row: 8 pixels x 2 channels
    assert crop.regions == (
        CopyRegion(0, pitch, 0, 12, 6, 12),                 # patch (0,0): rows 0-5, cols 0-5
        CopyRegion(3 * 2, pitch, 0, 10, 6, 10),             # patch (0,1): cols 3-7
        CopyRegion(3 * pitch, pitch, 0, 12, 5, 12),         # patch (1,0): rows 3-7
        CopyRegion(3 * pitch + 3 * 2, pitch, 0, 10, 5, 10))
    assert crop.largest_bytes == 72 == layout.crop_bytes
    assert layout.crops[1:] == ((), ())  # the other ops read their producer's whole window
    assert layout.step_inputs == ((crop.target,), (plan.steps[0].output,),
                                  (plan.steps[1].output,))


def test_the_split_tile_goes_into_the_assembled_output(chain):
    graph, plan = chain
    tile = c_patch_layout(graph, plan).tile
    row = 4 * 8  # a row of the 4x4x8 split output
    assert tile.target == plan.split_tensor
    assert tile.regions == tuple(CopyRegion(0, 16, (r * 2 * 4 + c * 2) * 8, row, 2, 16)
                                 for r in range(2) for c in range(2))
    assert tile.largest_bytes == 2 * 2 * 8


def test_a_residual_input_read_over_two_regions_is_cropped_for_the_narrower_reader():
    # a feeds the 3x3 depthwise (needs a halo) and the add (needs only its own window)
    graph = quantized(residual_graph((6, 6, 4)))
    plan = plan_patches(graph, 4, 2)  # split at the 1x1 conv after the add
    layout = c_patch_layout(graph, plan)
    add_step = next(k for k, s in enumerate(plan.steps) if graph.ops[s.op_index].type == "add")
    a = plan.steps[0].output
    (crop,) = layout.crops[add_step]
    assert crop.source == a
    assert layout.step_inputs[add_step] == (crop.target, plan.steps[add_step - 1].output)
    patch = plan.patches[0]  # a: rows/cols [0,4) (3x3 halo of [0,3)); the add reads [0,3)
    assert (patch.ops[0].output_rows, patch.ops[add_step].input_rows) == ((0, 4), (0, 3))
    assert crop.regions[0] == CopyRegion(0, 4 * 4, 0, 3 * 4, 3, 3 * 4)


def test_the_memory_graph_has_every_copy_and_passes_the_plan_checker(chain):
    graph, plan = chain
    layout = c_patch_layout(graph, plan)
    memory = layout.memory_graph
    assert [op.type for op in memory.ops] == [COPY_OP, "conv2d", "depthwise_conv2d",
                                             "conv2d:writes-tile", COPY_OP]
    assert layout.graph_ops == (None, 0, 1, 2, None)
    assert plan.split_tensor in memory.ops[0].outputs  # assembled from the first patch on
    assert graph.inputs[0] in memory.ops[3].inputs     # the input is held to the last patch
    arena = plan_c_patch_arena(layout)
    check_plan(memory, arena)
    # the depthwise conv runs in place over the conv's window, with a scratch for its largest
    # output window (2x2: a 2x2 tile of the 4x4 split output needs 2x2 depthwise outputs)
    (record,) = arena.inplace_ops
    assert (record.op_index, record.op_type) == (2, "depthwise_conv2d")
    assert (record.input, record.output) == (plan.steps[0].output, plan.steps[1].output)
    assert record.scratch_bytes == 2 * 2 and record.scratch in arena.offsets
    # constants stay inputs of the memory graph's ops: they choose the kernel
    assert memory.ops[2].inputs == [plan.steps[0].output, *graph.ops[1].inputs[1:]]


@pytest.mark.parametrize("key,split,grid,planner,code", [
    ("vww", 3, 8, 38_048, 38_608), ("vww", 7, 6, 37_664, 38_256),
    ("person", 7, 3, 26_528, 26_528), ("person", 7, 6, 19_232, 19_232)])
def test_code_arena_beside_the_planner_peak(key, split, grid, planner, code):
    # vww: the crop of the 3-channel input adds to the peak; person_detect: the peak is
    # elsewhere (the rest), so the code needs exactly the planner's peak
    graph = load_shared(key)
    plan = plan_patches(graph, split, grid)
    arena = plan_c_patch_arena(c_patch_layout(graph, plan))
    assert (plan.peak_bytes, arena.ram_bytes) == (planner, code)
    assert arena.ram_bytes <= 0.75 * plan_c_arena(graph).ram_bytes


def test_the_report_counts_the_stage_depthwise_convs_in_place():
    # person_detect 7:6: op 0 (depth multiplier 8) and op 7 (the split op) stay out of place
    graph = load_shared("person")
    plan = plan_patches(graph, 7, 6)
    layout = c_patch_layout(graph, plan)
    report = c_patch_report(graph, layout, plan_c_patch_arena(layout))
    assert (report["stage_depthwise_in_place"], report["stage_depthwise_out_of_place"]) == (3, 2)
    assert report["ram_bytes"] == report["planner_peak_bytes"] == 19_232


@pytest.mark.parametrize("split", [0, 4])
def test_in_place_ops_are_numbered_as_the_graphs_ops(split):
    # the add runs in place in the rest (split 0) and in every patch (split 4)
    from edgesmith.codegen.c_model import build_c_model

    graph = quantized(residual_graph((6, 6, 4)))
    model = build_c_model(graph, patch=plan_patches(graph, split, 2))
    assert [(r.op_index, r.op_type) for r in model.plan.inplace_ops] == [(3, "add")]
    assert any(line.startswith("Op 3 (add) runs in place") for line in model.plan_lines)
