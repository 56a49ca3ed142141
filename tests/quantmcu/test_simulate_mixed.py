"""simulate_mixed_patched: equal to simulate_patched with every width 8; otherwise every tile
equals the same tile of a layer-based run of the branch that computed it."""

import numpy as np
import pytest
from edgesmith.quant.mixed_patch import MixedPatchModel, requantize_input
from edgesmith.quant.vdqs import MixedSearchConfig, quantize_mixed_patch
from edgesmith.sim import simulate
from edgesmith.sim.patch import simulate_patched
from edgesmith.quant.mixed_simulate import simulate_mixed_patched
from numpy.testing import assert_array_equal

from tests.patch.graphs import chain_graph, random_input, residual_graph

from .graphs import binary_graph, binary_inputs, int8_and_plan, uniform_inputs

CASES = [(chain_graph, 2, 2), (chain_graph, 1, 3), (residual_graph, 4, 2), (binary_graph, 2, 2)]


def _case(make, split, grid):
    g = make()
    calib = uniform_inputs(g, 24, 0)
    q, plan = int8_and_plan(g, calib, split, grid)
    return g, q, plan, calib


@pytest.mark.parametrize("make,split,grid", CASES)
def test_all_8_bit_equals_simulate_patched(make, split, grid):
    g, q, plan, calib = _case(make, split, grid)
    x = random_input(q, n=4, seed=split)
    for model in (MixedPatchModel(q, plan, 0, {}),
                  quantize_mixed_patch(g, calib, plan, MixedSearchConfig(widths=(8,)),
                                       int8_graph=q).model):
        assert set(model.widths().values()) == {8}
        got, branches = simulate_mixed_patched(model, x, keep_intermediates=True)
        expected = simulate_patched(q, plan, x, keep_intermediates=True)
        assert set(got) == set(expected)
        for name in expected:
            assert_array_equal(got[name], expected[name], err_msg=name)
        assert branches.shape == (4, grid * grid)


def _mixed_model(make, split, grid, lam=0.0):
    g, q, plan, calib = _case(make, split, grid)
    return quantize_mixed_patch(g, calib, plan, MixedSearchConfig(accuracy_weight=lam),
                                int8_graph=q).model


def _stage_outputs(graph, plan, x):
    stage = type(graph)(graph.name, graph.tensors, graph.ops[:plan.split + 1], graph.inputs,
                        [plan.split_tensor])
    return simulate(stage, x)[plan.split_tensor]


@pytest.mark.parametrize("make,split,grid", CASES)
def test_each_tile_equals_its_branch_run_layer_based(make, split, grid):
    model = _mixed_model(make, split, grid)
    assert min(model.widths().values()) < 8
    q, plan = model.graph, model.plan
    zp = model.input_zero_point
    shape = (6,) + tuple(q.tensors[q.inputs[0]].shape[1:])
    x = np.random.default_rng(7).integers(max(zp - 40, -128), min(zp + 41, 128), shape)
    x = x.astype(np.int8)
    x[:3, 0, 0] = zp + 120 if zp < 0 else zp - 120  # an outlier in the first patch
    model = MixedPatchModel(q, plan, 100, model.low_formats)
    got, branches = simulate_mixed_patched(model, x, keep_intermediates=True)
    assert branches.any() and not branches.all()
    low = model.low_bit_graph()
    eight_bit = _stage_outputs(q, plan, x)
    low_bit = _stage_outputs(low, plan, requantize_input(q, low, x))
    for p, patch in enumerate(plan.patches):
        rows, cols = patch.tile
        tile = (slice(None), slice(rows.start, rows.stop), slice(cols.start, cols.stop))
        expected = np.where(branches[:, p, None, None, None], eight_bit[tile], low_bit[tile])
        assert_array_equal(got[plan.split_tensor][tile], expected, err_msg=f"patch {p}")
    rest = simulate(type(q)(q.name, q.tensors, q.ops[plan.split + 1:], [plan.split_tensor],
                            q.outputs), got[plan.split_tensor]) if plan.split + 1 < len(q.ops) \
        else {q.outputs[0]: got[plan.split_tensor]}
    assert_array_equal(got[q.outputs[0]], rest[q.outputs[0]])


def test_low_bit_values_stay_in_their_range():
    model = _mixed_model(binary_graph, 2, 2)
    low = model.low_bit_graph()
    x = random_input(model.graph, n=3, seed=1)
    values = simulate(low, requantize_input(model.graph, low, x), keep_intermediates=True)
    for name, fmt in model.low_formats.items():
        if name in values:
            assert fmt.qmin <= values[name].min() and values[name].max() <= fmt.qmax, name


def test_deterministic():
    g = binary_graph()
    calib = binary_inputs(32, 0)
    q, plan = int8_and_plan(g, calib, 2, 2)
    config = MixedSearchConfig(accuracy_weight=0.5)
    first = quantize_mixed_patch(g, calib, plan, config, int8_graph=q).model
    second = quantize_mixed_patch(g, calib, plan, config, int8_graph=q).model
    assert {**first.to_json(), "search": None} == {**second.to_json(), "search": None}
    x = random_input(q, n=5, seed=4)
    out1, br1 = simulate_mixed_patched(first, x)
    out2, br2 = simulate_mixed_patched(second, x)
    assert_array_equal(br1, br2)
    assert_array_equal(out1[q.outputs[0]], out2[q.outputs[0]])
