"""Patch-based generated C on the host equals the layer-based simulator, bit for bit."""

import re

import numpy as np
import pytest
from edgesmith.codegen.c_patch import generate_patched_c
from edgesmith.errors import UnsupportedError
from edgesmith.memory.patch import plan_patches
from edgesmith.memory.patch_windows import split_points
from edgesmith.sim.inputs import random_inputs
from edgesmith.verify.host import verify_host
from tests.helpers.shipped_inputs import shipped_inputs

from tests.codegen.mutation import copy_folder
from tests.patch.graphs import quantized, random_input
from tests.patch.test_simulate_patched import HAND_BUILT

from .helpers import MODELS, assert_code_equals_simulator, load_shared

# planner's best within 10% extra MACs, lowest peak, and a deep split with uneven tiles
MODEL_CASES = [("vww", 3, 8), ("vww", 7, 6), ("vww", 13, 4),
               ("person", 7, 3), ("person", 7, 6), ("person", 26, 2)]


@pytest.fixture(scope="module")
def graphs():
    return {key: load_shared(key) for key in MODELS}


def _batch(graph, key, seed):
    """The model's shipped inputs (if any) and seeded random ones."""
    parts = [random_inputs(graph, 4, seed)[graph.inputs[0]]]
    shipped = shipped_inputs(MODELS[key])
    if shipped is not None:
        parts.insert(0, shipped)
    return np.concatenate(parts)


@pytest.mark.parametrize("key,split,grid", MODEL_CASES)
def test_models_bit_exact(graphs, key, split, grid, tmp_path):
    graph = graphs[key]
    plan = plan_patches(graph, split, grid)
    assert_code_equals_simulator(graph, plan, _batch(graph, key, split), tmp_path / "m")


def _cases(build, every: bool):
    """(split, grid) of a hand-built graph: every one, or the first and last split at 2x2
    and a middle split at 3x3 where the tensor allows it."""
    graph = quantized(build())
    out = []
    splits = split_points(graph)
    for split in splits:
        _, height, width, _ = graph.tensors[graph.ops[split].outputs[0]].shape
        grids = range(2, min(height, width, 5) + 1) if every else (
            (2,) if split in (splits[0], splits[-1]) else
            (3,) if split == splits[len(splits) // 2] and min(height, width) >= 3 else ())
        for grid in grids:
            try:
                out.append((split, grid, plan_patches(graph, split, grid)))
            except UnsupportedError:
                assert graph.ops[split].type == "pad"  # a tile of pure padding: not planned
    return graph, out


@pytest.mark.parametrize("build", HAND_BUILT, ids=lambda f: f.__name__.strip("_"))
def test_hand_built_graphs(build, tmp_path):
    # residual adds (a cropped input), pads kept or folded, pools, concat, mul, logistic
    graph, cases = _cases(build, every=False)
    assert cases
    for split, grid, plan in cases:
        assert_code_equals_simulator(graph, plan, random_input(graph),
                                     tmp_path / f"m{split}_{grid}")


@pytest.mark.slow
@pytest.mark.parametrize("build", HAND_BUILT, ids=lambda f: f.__name__.strip("_"))
def test_hand_built_graphs_at_every_split_and_grid(build, tmp_path):
    graph, cases = _cases(build, every=True)
    for split, grid, plan in cases:
        assert_code_equals_simulator(graph, plan, random_input(graph),
                                     tmp_path / f"m{split}_{grid}")


def test_no_geometry_in_c_only_tables(graphs, tmp_path):
    graph = graphs["vww"]
    plan = plan_patches(graph, 7, 6)
    result = generate_patched_c(graph, plan, tmp_path / "m")
    text = (result.folder / f"{result.model.name}.c").read_text()
    header = (result.folder / f"{result.model.name}.h").read_text()
    assert "for (int32_t patch = 0; patch < 36; ++patch)" in text
    assert f"VWW_96_INT8_ARENA_SIZE {result.model.plan.arena_bytes} " in header
    assert "VWW_96_INT8_NUM_OPS 31" in header
    assert f"Patch planner peak {plan.peak_bytes} bytes" in text
    variants = result.model.patch.num_variants
    assert variants == 9  # first, inner and last rows x the same for columns
    assert "static const uint8_t patch_variant[36]" in text
    assert re.search(rf"static const es_dw_conv_params op1_params\[{variants}\]", text)
    # the stage's only arithmetic in C: a table lookup and pointer offsets in copy_window
    loop = text[text.index("for (int32_t patch"):text.index("VWW_96_INT8_TRACE_STEP(7,")]
    code = re.sub(r"/\*.*?\*/|\+\+patch|->", "", loop, flags=re.DOTALL)
    assert not re.search(r"[-+/]|\*(?!/)", code)


def _shift_first_crop(folder, name: str) -> None:
    """Make patch 1 crop its input one pixel off: the C code must then differ."""
    path = folder / f"{name}.c"
    text = path.read_text()
    start = text.index("static const window_copy op0_crop[")
    second = text.index("{.from_offset = ", text.index("},", start))
    number = re.compile(r"\{\.from_offset = (\d+)").match(text, second)
    value = int(number.group(1)) + 3  # one pixel of the 3-channel input
    path.write_text(text[:number.start(1)] + str(value) + text[number.end(1):])


def test_a_wrong_window_is_caught_and_named(graphs, tmp_path):
    graph = graphs["vww"]
    plan = plan_patches(graph, 3, 8)
    good = generate_patched_c(graph, plan, tmp_path / "good")
    bad = copy_folder(good.folder, tmp_path / "bad")
    _shift_first_crop(bad, good.model.name)
    batch = random_inputs(graph, 2, 0)
    report = verify_host(graph, batch, code_dir=bad)
    assert not report.ok
    # the trace build names the split op, the first tensor the patched code writes in full
    assert report.first_mismatch["op_index"] == plan.split
    assert report.first_mismatch["tensor"] == plan.split_tensor
    assert verify_host(graph, batch, code_dir=good.folder).ok


@pytest.mark.parametrize("optimize, kernel", [("speed", "es_conv2d_s8_w16("),
                                              ("size", "es_conv2d_s8(")])
def test_stage_layers_take_the_chosen_weight_layout(graphs, optimize, kernel, tmp_path):
    """Patch code lays out its weights as layer-based code does: int16 for speed (stage
    layers included, every window's call on the same laid-out weights), int8 for size;
    either way equal to the simulator."""
    from edgesmith.codegen import generate_c

    graph = graphs["vww"]
    plan = plan_patches(graph, 7, 3)
    code = generate_c(graph, tmp_path / "m", patch=plan, optimize=optimize).folder
    text = "".join(p.read_text() for p in code.glob("*.c"))
    stage = text[text.index("Patch stage:"):text.index("_TRACE_STEP(7")]
    assert stage.count(kernel) >= 1 and ("_w16(" in stage) == (optimize == "speed")
    batch = {graph.inputs[0]: _batch(graph, "vww", 7)}
    report = verify_host(graph, batch, code_dir=code)
    assert report.ok and report.samples == batch[graph.inputs[0]].shape[0]
