"""search_patch_plan: the lowest peak under the budget and extra-MAC limits; specs and JSON."""

import json

import pytest
from edgesmith.errors import EdgesmithError, UnsupportedError
from edgesmith.memory import check_plan
from edgesmith.memory.patch import patch_candidate, patch_plan_to_json, plan_patches
from edgesmith.memory.patch_search import plan_patches_from_spec, search_patch_plan
from edgesmith.memory.patch_windows import split_points

from .graphs import SHARED_MODELS, RandomGraph, chain_graph, quantized, residual_graph

load_tflite = pytest.importorskip("edgesmith.frontends.tflite").load_tflite

GRIDS = (2, 3, 4)


@pytest.fixture(scope="module")
def vww():
    return load_tflite(SHARED_MODELS / "mlperf_tiny/vww_96_int8.tflite")


@pytest.fixture(scope="module")
def person():
    return load_tflite(SHARED_MODELS / "tflm/person_detect.tflite")


def all_plans(graph, grids=GRIDS):
    plans = []
    for split in split_points(graph):
        _, height, width, _ = graph.tensors[graph.ops[split].outputs[0]].shape
        plans += [plan_patches(graph, split, g) for g in grids if g <= min(height, width)]
    return plans


@pytest.mark.parametrize("build", [chain_graph, residual_graph])
def test_search_finds_the_lowest_peak_of_all_candidates(build):
    graph = quantized(build())
    plans = all_plans(graph)
    best = search_patch_plan(graph, grids=GRIDS)
    assert best.peak_bytes == min(p.peak_bytes for p in plans)
    tied = [p for p in plans if p.peak_bytes == best.peak_bytes]
    assert best.extra_macs == min(p.extra_macs for p in tied)


def test_extra_mac_limit_is_respected(vww):
    unlimited = search_patch_plan(vww)
    limited = search_patch_plan(vww, max_extra_macs_pct=5)
    assert unlimited.extra_macs_pct > 5 >= limited.extra_macs_pct
    assert unlimited.peak_bytes <= limited.peak_bytes
    # a split right after the first (non-overlapping, stride 2) conv recomputes nothing
    assert search_patch_plan(vww, max_extra_macs_pct=0).extra_macs == 0


def test_budget_is_respected_and_misses_name_the_best(vww):
    best = search_patch_plan(vww)
    assert search_patch_plan(vww, budget_bytes=best.peak_bytes).peak_bytes == best.peak_bytes
    with pytest.raises(EdgesmithError, match=f"best needs {best.peak_bytes:,} B") as info:
        search_patch_plan(vww, budget_bytes=best.peak_bytes - 1)
    assert f"split op {best.split}" in str(info.value)


def test_impossible_extra_mac_limit_names_the_fewest():
    graph = quantized(residual_graph())
    with pytest.raises(EdgesmithError, match="fewest extra MACs"):
        search_patch_plan(graph, max_extra_macs_pct=-1)


def test_graph_without_patch_stage_is_an_error():
    g = RandomGraph("dense_first", (4, 4, 2))
    flat = g.op("reshape", g.x, shape=(1, 32))
    graph = g.finish(flat)
    with pytest.raises(EdgesmithError, match="no patch stage"):
        search_patch_plan(graph)


def test_model_goals(vww, person):
    # vww's 27 KB RGB input stays held: <= 0.75x; person_detect (9 KB input): <= 0.5x
    for graph, goal in ((vww, 0.75), (person, 0.5)):
        plan = search_patch_plan(graph)
        assert plan.layer_based_peak_bytes == 55296
        assert plan.peak_bytes <= goal * plan.layer_based_peak_bytes
        check_plan(patch_candidate(graph, plan.split, plan.grid).memory_graph, plan.arena)


def test_spec_auto_and_split_grid(vww):
    assert plan_patches_from_spec(vww, "auto").peak_bytes == search_patch_plan(vww).peak_bytes
    plan = plan_patches_from_spec(vww, " 3:4 ")
    assert (plan.split, plan.grid) == (3, 4)
    with pytest.raises(EdgesmithError, match="neither 'auto' nor SPLIT:N"):
        plan_patches_from_spec(vww, "3x4")
    with pytest.raises(EdgesmithError, match="more than the budget"):
        plan_patches_from_spec(vww, "3:4", budget_bytes=plan.peak_bytes - 1)
    with pytest.raises(EdgesmithError, match="more than the limit"):
        plan_patches_from_spec(vww, "7:4", max_extra_macs_pct=1)
    with pytest.raises(UnsupportedError, match="cannot end a patch stage"):
        plan_patches_from_spec(vww, "29:2")
    with pytest.raises(UnsupportedError, match="into 8 tiles"):
        plan_patches_from_spec(vww, "26:8")


def test_json_carries_the_numbers_and_windows():
    plan = plan_patches(quantized(chain_graph()), 2, 2)
    info = json.loads(json.dumps(patch_plan_to_json(plan)))
    assert {k: info[k] for k in ("peak_bytes", "layer_based_peak_bytes", "split", "grid",
                                 "extra_macs", "halo")} == {
        "peak_bytes": 480, "layer_based_peak_bytes": 640, "split": 2, "grid": 2,
        "extra_macs": 2448, "halo": [3, 3]}
    assert info["extra_macs_pct"] == pytest.approx(21.489, abs=1e-3)
    assert info["patches"][0]["ops"][0] == {
        "op_index": 0, "input_rows": [0, 6], "input_cols": [0, 6], "output_rows": [0, 5],
        "output_cols": [0, 5], "pads": [1, 0, 1, 0]}
    assert "patches" not in patch_plan_to_json(plan, windows=False)
