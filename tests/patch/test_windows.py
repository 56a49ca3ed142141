"""Patch windows, halo, extra MACs and peak SRAM of small graphs, worked out by hand."""

import numpy as np
import pytest
from edgesmith.errors import UnsupportedError
from edgesmith.memory import check_plan
from edgesmith.memory.patch import patch_candidate, plan_patches
from edgesmith.memory.patch_windows import (AxisGeometry, Span, patchable_prefix, split_points,
                                            stage_steps, tile_spans)

from .graphs import RandomGraph, chain_graph, quantized, residual_graph


def windows(patch):
    """(input rows, input cols, output rows, output cols, pads) per op, as plain tuples."""
    return [(tuple(w.input_rows), tuple(w.input_cols), tuple(w.output_rows),
             tuple(w.output_cols), w.pads) for w in patch.ops]


def test_axis_geometry_follows_the_window_formula():
    # k=3, s=2, d=1, p=1: outputs [a, b) read [2a - 1, 2(b-1) - 1 + 3)
    g = AxisGeometry(kernel=3, stride=2, dilation=1, pad_before=1)
    assert g.input_span(Span(0, 2), 8) == (Span(0, 4), 1, 0)   # [-1, 4): 1 row of padding on top
    assert g.input_span(Span(2, 4), 8) == (Span(3, 8), 0, 0)   # [3, 8): all real rows
    # dilation 2, k=3, p=2: outputs [1, 3) read [1-2, 2-2+4+1) = [-1, 5)
    assert AxisGeometry(3, 1, 2, 2).input_span(Span(1, 3), 6) == (Span(0, 5), 1, 0)
    # stride 3 > kernel 2: outputs [1, 2) read [3, 5); the skipped row 2 is never read
    assert AxisGeometry(2, 3, 1, 0).input_span(Span(1, 2), 6) == (Span(3, 5), 0, 0)
    with pytest.raises(UnsupportedError, match="only padding"):
        AxisGeometry(pad_before=2).input_span(Span(0, 1), 4)  # a pad op's first row


def test_tiles_are_even_and_cover_the_axis():
    assert tile_spans(8, 2) == [Span(0, 4), Span(4, 8)]
    assert tile_spans(7, 3) == [Span(0, 2), Span(2, 4), Span(4, 7)]
    with pytest.raises(UnsupportedError):
        tile_spans(3, 4)


def test_chain_windows_by_hand():
    # 8x8 input; op0 conv 3x3 s1 pads 1 -> 8x8; op1 depthwise 3x3 s2 pads (0,1,0,1) -> 4x4;
    # op2 conv 1x1 -> 4x4 (the split). Tiles of the split output: rows/cols [0,2) and [2,4).
    # Backwards along one axis, tile [0,2):
    #   op2 1x1:          out [0,2) <- in [0,2)
    #   op1 k3 s2 p0:     out [0,2) <- in [0*2-0, 1*2-0+2+1) = [0,5)          no padding
    #   op0 k3 s1 p1:     out [0,5) <- in [-1, 4-1+3) = [-1,6) -> [0,6)       1 pad before
    # tile [2,4):
    #   op1:              out [2,4) <- in [4, 3*2+3) = [4,9) -> [4,8)         1 pad after
    #   op0:              out [4,8) <- in [3, 7-1+3) = [3,9) -> [3,8)         1 pad after
    plan = plan_patches(quantized(chain_graph()), 2, 2)
    top, bottom = ((0, 6), (0, 5), (1, 0)), ((3, 8), (4, 8), (0, 1))
    assert [(p.row, p.col) for p in plan.patches] == [(0, 0), (0, 1), (1, 0), (1, 1)]
    for patch in plan.patches:
        (r_in, r_out, (pt, pb)), (c_in, c_out, (pl, pr)) = (
            top if patch.row == 0 else bottom), (top if patch.col == 0 else bottom)
        r1, c1 = (0, 2) if patch.row == 0 else (2, 4), (0, 2) if patch.col == 0 else (2, 4)
        assert windows(patch) == [
            (r_in, c_in, r_out, c_out, (pt, pb, pl, pr)),
            (r_out, c_out, r1, c1, (0, pb, 0, pr)),
            (r1, c1, r1, c1, (0, 0, 0, 0)),
        ]
        assert patch.tile == (Span(*r1), Span(*c1))
    # neighbouring patches share input rows [3, 6) and columns [3, 6)
    assert plan.halo == (3, 3)


def test_chain_extra_macs_by_hand():
    # op0: 8*3*3*2 = 144 MACs per output; layer-based 64 positions, patched (5+4)^2 = 81
    # op1: 9*8 = 72 per output, 16 positions either way; op2: 8*8 = 64 per output, 16 positions
    plan = plan_patches(quantized(chain_graph()), 2, 2)
    assert plan.macs == 64 * 144 + 16 * 72 + 16 * 64 == 11392
    assert plan.extra_macs == (81 - 64) * 144 == 2448
    assert plan.extra_macs_pct == pytest.approx(100 * 2448 / 11392)


def test_chain_peak_by_hand():
    # int8, 16-byte slots, in-place depthwise (scratch = output H*W bytes).
    # Layer-based: step 0 holds x 8*8*2 = 128 and op0's output 8*8*8 = 512: 640 B.
    # Patches: x (128) and the assembled split output 4*4*8 (128) stay all through the stage;
    # op0's window buffer is its largest window 5*5*8 = 200 (208 aligned); op1 writes its
    # 2*2*8 window in place over it with a 2*2 = 4 B scratch (16 aligned) at step 1:
    # 128 + 128 + 208 + 16 = 480 B.
    plan = plan_patches(quantized(chain_graph()), 2, 2)
    assert plan.layer_based_peak_bytes == 640
    assert plan.window_bytes == {"conv2d": 200, "depthwise_conv2d": 32}
    assert plan.peak_bytes == 480
    assert plan.stage_live_bytes == 128 + 128 + 200 + 4
    assert plan.rest_live_bytes == 0  # nothing runs after the split
    check_plan(patch_candidate(quantized(chain_graph()), 2, 2).memory_graph, plan.arena)


def test_residual_branch_is_computed_over_the_larger_window():
    # add(a, c) at rows [0,2) needs a over [0,2); c's depthwise (3x3, pad 1) needs a over
    # [0,3): a is computed over [0,3) and the add crops [0,2) from it.
    graph = quantized(residual_graph())
    plan = plan_patches(graph, 3, 2)
    a, dw, _, add = plan.patches[0].ops
    assert (a.output_rows, dw.input_rows, add.input_rows) == (Span(0, 3), Span(0, 3), Span(0, 2))
    assert dw.pads == (1, 0, 1, 0)
    a, dw, _, add = plan.patches[3].ops
    assert (a.output_rows, add.input_rows, dw.pads) == (Span(1, 4), Span(2, 4), (0, 1, 0, 1))


def test_split_points_stop_where_only_one_tensor_crosses():
    graph = residual_graph()
    # splitting at op 1 or 2 would leave a (read by the add) live after the stage
    assert split_points(graph) == [0, 3, 4]
    with pytest.raises(UnsupportedError, match="cannot end a patch stage"):
        stage_steps(graph, 1)


def test_stage_stops_at_the_first_op_that_is_not_spatially_local():
    g = RandomGraph("stop", (6, 6, 2))
    y = g.conv(g.x, 4, 3, pads=(1, 1, 1, 1))
    z = g.op("mean", y, axes=(1, 2), keepdims=True)
    graph = g.finish(g.conv(z, 2, 1))
    assert patchable_prefix(graph) == 1 and split_points(graph) == [0]


def test_spatial_constant_operand_ends_the_stage():
    g = RandomGraph("spatial_const", (4, 4, 2))
    y = g.conv(g.x, 2, 1)
    per_channel = g.op("add", y, g.const(np.ones(2)))
    graph = g.finish(g.op("mul", per_channel, g.const(np.ones((1, 4, 4, 2)))))
    assert patchable_prefix(graph) == 2


def test_pad_before_a_conv_is_folded_into_its_padding():
    g = RandomGraph("pad_fold", (7, 7, 3))
    y = g.conv(g.x, 4, 1)
    y = g.op("pad", y, pads=((0, 0), (1, 1), (0, 1), (0, 0)))
    graph = g.finish(g.depthwise(y, 3, stride=(2, 2)))
    steps = stage_steps(graph, 2)
    assert [s.op_index for s in steps] == [0, 2] and steps[1].folded_pad == 1
    assert steps[1].sources == (graph.ops[0].outputs[0],)
    assert (steps[1].rows.pad_before, steps[1].cols.pad_before) == (1, 0)
    # a pad that is itself the split is run, not folded
    assert [s.op_index for s in stage_steps(graph, 1)] == [0, 1]
