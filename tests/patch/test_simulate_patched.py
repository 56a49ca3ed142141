"""simulate_patched equals layer-based simulate bit for bit, on models and hand-built graphs."""

from dataclasses import replace

import numpy as np
import pytest
from edgesmith.errors import EdgesmithError, UnsupportedError
from edgesmith.memory.patch import plan_patches
from edgesmith.memory.patch_windows import split_points
from edgesmith.sim import patch as patch_sim
from edgesmith.sim import simulate
from edgesmith.sim.patch import simulate_patched
from tests.helpers.shipped_inputs import shipped_inputs

from .graphs import SHARED_MODELS, RandomGraph, chain_graph, quantized, random_input, residual_graph

load_tflite = pytest.importorskip("edgesmith.frontends.tflite").load_tflite

MODELS = {"vww": "mlperf_tiny/vww_96_int8.tflite", "person": "tflm/person_detect.tflite"}
# (split op, grid): early and deep splits; 48/5, 24/5, 12/5 and 6/4 give uneven tiles
MODEL_CASES = [(0, 2), (2, 3), (3, 4), (3, 5), (7, 3), (7, 5), (10, 4), (13, 4), (26, 2)]


def assert_patched_equals_layer_based(graph, plan, x):
    """Integer tensors bit for bit; float tensors to a few ulp (the float reference's
    matmul may round a one-column window differently from the full layer)."""
    expected = simulate(graph, x, keep_intermediates=True)
    got = simulate_patched(graph, plan, x, keep_intermediates=True)
    assert set(graph.outputs) <= set(got)
    for name, value in got.items():
        assert value.dtype == expected[name].dtype
        if value.dtype == np.float32:
            np.testing.assert_allclose(value, expected[name], rtol=1e-5, atol=1e-6, err_msg=name)
        else:
            np.testing.assert_array_equal(value, expected[name], err_msg=name)


@pytest.fixture(scope="module", params=sorted(MODELS))
def model(request):
    path = SHARED_MODELS / MODELS[request.param]
    return load_tflite(path), shipped_inputs(path)


@pytest.mark.parametrize("split,grid", MODEL_CASES)
def test_models_bit_exact(model, split, grid):
    graph, shipped = model
    plan = plan_patches(graph, split, grid)
    assert_patched_equals_layer_based(graph, plan, random_input(graph, n=2, seed=split))
    if shipped is not None:
        assert_patched_equals_layer_based(graph, plan, shipped)


def test_model_outputs_only(model):
    graph, _ = model
    x = random_input(graph, n=1)
    got = simulate_patched(graph, plan_patches(graph, 7, 3), x)
    assert set(got) == set(graph.outputs)
    np.testing.assert_array_equal(got[graph.outputs[0]], simulate(graph, x)[graph.outputs[0]])


def _dilated():
    g = RandomGraph("dilated", (13, 11, 3))
    y = g.conv(g.x, 6, 3, dilation=(2, 2), pads=(2, 2, 2, 2), activation="relu")
    y = g.depthwise(y, 3, dilation=(2, 1), pads=(2, 2, 1, 1))
    return g.finish(g.conv(y, 4, 1))


def _one_sided():
    g = RandomGraph("one_sided", (12, 10, 2))
    y = g.conv(g.x, 4, 3, stride=(2, 2), pads=(0, 1, 0, 1), activation="relu6")
    y = g.depthwise(y, 3, multiplier=2, pads=(1, 0, 0, 1))
    return g.finish(g.conv(y, 4, 1))


def _stride_above_kernel():
    g = RandomGraph("sparse", (17, 15, 2))
    y = g.conv(g.x, 4, 1, stride=(2, 2))
    y = g.conv(y, 4, 2, stride=(3, 3), activation="relu")
    y = g.op("max_pool2d", y, kernel=(1, 1), stride=(2, 2))
    return g.finish(g.conv(y, 3, 1))


def _pools_and_pads():
    g = RandomGraph("pools", (14, 13, 3))
    y = g.conv(g.x, 4, 3, pads=(1, 1, 1, 1))
    y = g.op("pad", y, pads=((0, 0), (1, 0), (0, 2), (0, 0)))  # read by a pool: not folded
    y = g.op("avg_pool2d", y, kernel=(3, 3), stride=(2, 2), pads=(1, 1, 0, 1))
    y = g.op("max_pool2d", y, kernel=(2, 2), stride=(1, 1), pads=(0, 1, 1, 0))
    y = g.op("pad", y, pads=((0, 0), (2, 1), (1, 1), (0, 0)))  # read by a conv: folded
    y = g.depthwise(y, 3, stride=(2, 2))
    return g.finish(g.conv(y, 2, 1))


def _joins():
    g = RandomGraph("joins", (10, 9, 4))
    a = g.conv(g.x, 4, 3, pads=(1, 1, 1, 1), activation="relu")
    b = g.op("logistic", g.depthwise(a, 5, pads=(2, 2, 2, 2)))
    c = g.op("add", a, b)
    d = g.op("mul", c, g.const(np.linspace(0.5, 1.5, 4)))
    e = g.op("concat", d, g.op("relu6", a), axis=-1)
    return g.finish(g.conv(e, 3, 1))


HAND_BUILT = [chain_graph, residual_graph, _dilated, _one_sided, _stride_above_kernel,
              _pools_and_pads, _joins]


@pytest.mark.parametrize("build", HAND_BUILT, ids=lambda f: f.__name__.strip("_"))
@pytest.mark.parametrize("kind", ["int8", "float"])
def test_hand_built_graphs_at_every_split_and_grid(build, kind):
    graph = build() if kind == "float" else quantized(build())
    x = random_input(graph)
    for split in split_points(graph):
        _, height, width, _ = graph.tensors[graph.ops[split].outputs[0]].shape
        for grid in range(2, min(height, width, 5) + 1):
            try:
                plan = plan_patches(graph, split, grid)
            except UnsupportedError:
                assert graph.ops[split].type == "pad"  # a tile of pure padding: not planned
                continue
            assert_patched_equals_layer_based(graph, plan, x)


def test_padding_on_the_wrong_sides_changes_the_result(monkeypatch):
    # the equality above can fail: mirror the first op's padding on every patch (same window
    # sizes, so the kernels run) and the border patches read shifted data
    graph = quantized(chain_graph())
    plan = plan_patches(graph, 2, 2)
    mirrored = []
    for patch in plan.patches:
        top, bottom, left, right = patch.ops[0].pads
        first = replace(patch.ops[0], pads=(bottom, top, right, left))
        mirrored.append(replace(patch, ops=(first,) + patch.ops[1:]))
    monkeypatch.setattr(patch_sim, "check_plan_fits", lambda graph, plan: None)
    x = random_input(graph)
    with pytest.raises(AssertionError):
        assert_patched_equals_layer_based(graph, replace(plan, patches=tuple(mirrored)), x)


def test_plan_of_another_graph_is_refused():
    plan = plan_patches(quantized(chain_graph()), 2, 2)
    other = quantized(residual_graph())
    with pytest.raises(EdgesmithError, match="does not fit"):
        simulate_patched(other, plan, random_input(other))
