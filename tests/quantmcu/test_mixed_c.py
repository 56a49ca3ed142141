"""Mixed-precision patch C code (QuantMCU) equals simulate_mixed_patched: outputs and routing.

Inputs are built so that both branches run: values near the zero point with
outliers planted in some patches' windows, including values exactly at the
threshold (low-bit) and one past it (8-bit), and the int8 extremes.
"""

from __future__ import annotations

import re
import shutil
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from edgesmith.codegen import generate_c
from edgesmith.codegen.c_routing import outlier_test
from edgesmith.quant.mixed_patch import MixedPatchModel, feature_map_windows
from edgesmith.quant.vdqs import MixedSearchConfig, quantize_mixed_patch
from edgesmith.sim.patch import simulate_patched
from edgesmith.quant.mixed_simulate import simulate_mixed_patched
from edgesmith.verify.host import HostModel
from edgesmith.verify.host import verify_host
from numpy.testing import assert_array_equal

from tests.boards.helpers import needs_cross, needs_qemu
from tests.patch.graphs import chain_graph, residual_graph

from .graphs import binary_graph, int8_and_plan, uniform_inputs

CASES = [(chain_graph, 2, 2), (chain_graph, 1, 3), (residual_graph, 4, 2), (binary_graph, 2, 2)]
THRESHOLD = 50


def mixed_model(make, split, grid, widths: tuple[int, ...] | None = None) -> MixedPatchModel:
    g = make()
    calib = uniform_inputs(g, 24, 0)
    q, plan = int8_and_plan(g, calib, split, grid)
    config = MixedSearchConfig(accuracy_weight=0.0, **({"widths": widths} if widths else {}))
    model = quantize_mixed_patch(g, calib, plan, config, int8_graph=q).model
    assert min(model.widths().values()) < 8
    return replace(model, threshold=THRESHOLD)


def routed_inputs(model: MixedPatchModel, n: int, seed: int) -> np.ndarray:
    """Values within the threshold; sample k plants, in patch k's input window, a value at
    the threshold (stays low-bit), one past it (8-bit) or an int8 extreme."""
    zp, q = model.input_zero_point, model.graph
    shape = (n,) + tuple(q.tensors[q.inputs[0]].shape[1:])
    x = np.random.default_rng(seed).integers(max(zp - THRESHOLD, -128),
                                             min(zp + THRESHOLD, 127) + 1, shape).astype(np.int8)
    windows = feature_map_windows(q, model.plan)[q.inputs[0]]
    far = -128 if zp > 0 else 127
    for k in range(n):
        rows, cols = windows[k % len(windows)]
        value = [zp + THRESHOLD if zp + THRESHOLD <= 127 else zp - THRESHOLD,
                 zp - THRESHOLD - 1 if zp - THRESHOLD - 1 >= -128 else zp + THRESHOLD + 1,
                 far, None][k % 4]
        if value is not None:
            x[k, rows.stop - 1, cols.start, 0] = value
    return x


def host_equals_simulator(model: MixedPatchModel, x: np.ndarray, folder: Path) -> np.ndarray:
    """Runs the generated code in ``folder`` on the host: its outputs and branches equal
    the simulator's; returns the routing (samples x patches, True = 8-bit)."""
    expected, routes = simulate_mixed_patched(model, x)
    host = HostModel(folder, model.graph)
    got = host.run({model.graph.inputs[0]: x})
    assert_array_equal(host.branches, routes)
    for name in model.graph.outputs:
        assert_array_equal(got[name], expected[name], err_msg=name)
    return routes


@pytest.mark.parametrize("make,split,grid", CASES)
def test_host_code_equals_simulator_with_routing(tmp_path, make, split, grid):
    model = mixed_model(make, split, grid)
    x = routed_inputs(model, 24, seed=split + grid)
    folder = generate_c(model.graph, tmp_path / "model", mixed=model).folder
    routes = host_equals_simulator(model, x, folder)
    assert routes.any() and not routes.all()  # both branches run
    assert verify_host(model.graph, {model.graph.inputs[0]: x}, code_dir=folder, mixed=model).ok


def test_low_bit_input_crops_go_through_the_requantize_table(tmp_path):
    """The low-bit branch cuts its model-input crops through a 256-entry table: every
    int8 code, the extremes and the zero point included, maps as the simulator's own
    requantization of the whole input maps it."""
    from edgesmith.codegen.c_mixed import input_requantize_table
    from edgesmith.ir import Graph, Op
    from edgesmith.sim import simulate

    model = mixed_model(chain_graph, 2, 2)
    low = model.low_bit_graph()
    table = np.array(input_requantize_table(model, low), dtype=np.int8)
    name = model.graph.inputs[0]
    src, dst = model.graph.tensors[name], low.tensors[name]
    assert src.fmt != dst.fmt and table.shape == (256,)
    codes = np.arange(-128, 128, dtype=np.int8)
    x = np.resize(codes, src.shape).astype(np.int8)
    whole = Graph("requantize", {"in": replace(src, name="in"), name: dst},
                  [Op("quantize", ["in"], [name], {}, "")], ["in"], [name])
    assert_array_equal(table[x.astype(np.int32) + 128], simulate(whole, {"in": x})[name])
    # the extremes saturate to the narrow format's ends
    assert (dst.fmt.qmin, dst.fmt.qmax) == (int(table.min()), int(table.max()))
    code = generate_c(model.graph, tmp_path / "m", mixed=model).folder
    text = "".join(p.read_text() for p in code.glob("*.c"))
    assert "copy_window_through(" in text and "low_bit_input_table[256]" in text


def test_threshold_boundary_routes_exactly():
    model = mixed_model(chain_graph, 2, 2)
    zp, q = model.input_zero_point, model.graph
    x = np.full((2,) + tuple(q.tensors[q.inputs[0]].shape[1:]), zp, dtype=np.int8)
    x[0, 0, 0, 0] = zp + THRESHOLD if zp + THRESHOLD <= 127 else zp - THRESHOLD  # not an outlier
    x[1, 0, 0, 0] = zp - THRESHOLD - 1 if zp - THRESHOLD > -128 else zp + THRESHOLD + 1
    _, routes = simulate_mixed_patched(model, x)
    assert not routes[0].any() and routes[1, 0] and not routes[1, -1]
    assert verify_host(q, {q.inputs[0]: x}, mixed=model).ok


def test_every_width_8_equals_patched_int8(tmp_path):
    model = mixed_model(residual_graph, 4, 2)
    model = MixedPatchModel(model.graph, model.plan, THRESHOLD, {})
    x = routed_inputs(model, 8, seed=5)
    folder = generate_c(model.graph, tmp_path / "m", mixed=model).folder
    got = HostModel(folder, model.graph).run({model.graph.inputs[0]: x})
    expected = simulate_patched(model.graph, model.plan, x)
    for name in model.graph.outputs:
        assert_array_equal(got[name], expected[name])


def _tampered(folder: Path, tmp_path: Path, pattern: str, repl) -> Path:
    copy = tmp_path / "tampered"
    shutil.copytree(folder, copy)
    source = next(p for p in copy.glob("*.c") if not p.name.endswith("_weights.c"))
    text, count = re.subn(pattern, repl, source.read_text(), count=1)
    assert count == 1, pattern
    source.write_text(text)
    return copy


def test_verify_catches_a_wrong_route_and_a_wrong_clamp(tmp_path):
    model = mixed_model(chain_graph, 2, 2)
    batch = {model.graph.inputs[0]: routed_inputs(model, 12, seed=1)}
    folder = generate_c(model.graph, tmp_path / "m", mixed=model).folder
    assert verify_host(model.graph, batch, code_dir=folder, mixed=model).ok
    # the byte test of threshold + 1: the values at threshold + 1 stay low-bit
    wider = outlier_test(model.input_zero_point, THRESHOLD + 1)
    rerouted = _tampered(folder, tmp_path, r"vdpc_test = \{\s*\.low = \d+,\s*\.span = \d+,",
                         f"vdpc_test = {{ .low = {wider.low}, .span = {wider.span},")
    report = verify_host(model.graph, batch, code_dir=rerouted, mixed=model)
    assert not report.ok and report.first_mismatch["op_type"] == "vdpc routing"
    shutil.rmtree(rerouted)
    # low-bit patches routed right but computed with the 8-bit branch's parameters
    unbranched = _tampered(folder, tmp_path, r"low_bit \* \d+ \+ patch", "patch")
    report = verify_host(model.graph, batch, code_dir=unbranched, mixed=model)
    assert not report.ok and report.first_mismatch["op_index"] == model.plan.split


def one_multiply_scales(folder: Path) -> list[int]:
    source = next(p for p in folder.glob("*.c") if not p.name.endswith("_weights.c"))
    return [int(v) for v in re.findall(r"\.one_multiply_scale = (\d+)", source.read_text())]


def test_low_bit_convs_take_the_one_multiply_stage(tmp_path):
    """The low-bit branch's narrow accumulators: its conv calls run the one-multiply output
    stage (edgesmith.codegen.c_one_multiply), the 8-bit branch's the usual one; the host
    code still equals the simulator, outputs and routes."""
    from edgesmith.codegen.c_one_multiply import SCALES

    model = mixed_model(chain_graph, 2, 2)
    folder = generate_c(model.graph, tmp_path / "m", mixed=model).folder
    scales = one_multiply_scales(folder)
    assert scales and set(scales) <= set(SCALES)
    routes = host_equals_simulator(model, routed_inputs(model, 12, seed=4), folder)
    assert routes.any() and not routes.all()


@needs_cross
@needs_qemu
def test_qemu_low_bit_branch_on_the_one_multiply_stage(tmp_path):
    """The M4's assembly blocks of the one-multiply stage (es_conv_blocks_s*_1m), both
    branches taken, bit for bit with the simulator."""
    from edgesmith.verify.qemu import verify_qemu

    model = mixed_model(chain_graph, 2, 2)
    assert one_multiply_scales(generate_c(model.graph, tmp_path / "m", mixed=model).folder)
    x = routed_inputs(model, 12, seed=6)
    _, routes = simulate_mixed_patched(model, x)
    assert routes.any() and not routes.all()
    report = verify_qemu(model.graph, {model.graph.inputs[0]: x}, board="mps2-an386",
                         mixed=model)
    assert report.ok and report.samples == 12, report.first_mismatch


def low_bit_loops(folder: Path) -> int:
    config = (folder / "runtime" / "include" / "es_nn_config.h").read_text()
    return int(re.search(r"#define ES_FAST_LOW_BIT_LOOPS (\d)", config).group(1))


def test_only_a_low_bit_branch_carries_the_low_bit_loops(tmp_path):
    model = mixed_model(chain_graph, 2, 2)
    assert low_bit_loops(generate_c(model.graph, tmp_path / "m", mixed=model).folder) == 1
    plain = generate_c(model.graph, tmp_path / "p", patch=model.plan).folder
    assert low_bit_loops(plain) == 0
    assert low_bit_loops(generate_c(model.graph, tmp_path / "l").folder) == 0


@needs_cross
@needs_qemu
def test_qemu_low_bit_branch_without_its_loops(tmp_path):
    """ES_FAST_LOW_BIT_LOOPS 0 leaves the 4- and 2-bit loops and the one-multiply blocks out:
    the low-bit branch then runs the int8 loops and narrows after them, and the one-multiply
    stage runs on the loop without the sign (right shift 0), with the same integers."""
    from edgesmith.verify.qemu import verify_qemu

    model = mixed_model(chain_graph, 2, 2)
    folder = generate_c(model.graph, tmp_path / "m", mixed=model).folder
    assert one_multiply_scales(folder)
    config = folder / "runtime" / "include" / "es_nn_config.h"
    config.write_text(config.read_text().replace("#define ES_FAST_LOW_BIT_LOOPS 1",
                                                 "#define ES_FAST_LOW_BIT_LOOPS 0"))
    assert low_bit_loops(folder) == 0
    x = routed_inputs(model, 12, seed=7)
    report = verify_qemu(model.graph, {model.graph.inputs[0]: x}, board="mps2-an386",
                         code_dir=folder, mixed=model)
    assert report.ok and report.samples == 12, report.first_mismatch


@pytest.mark.slow
@needs_cross
@needs_qemu
@pytest.mark.parametrize("widths, low", [(None, 2), ((8, 4), 4)])
def test_qemu_firmware_equals_simulator_with_routing(widths, low):
    """The firmware's low-bit branch (the M4 loops with the 2- and 4-bit clamps)."""
    from edgesmith.verify.qemu import verify_qemu

    model = mixed_model(residual_graph, 4, 2, widths)
    assert min(model.widths().values()) == low
    x = routed_inputs(model, 16, seed=3)
    _, routes = simulate_mixed_patched(model, x)
    assert routes.any() and not routes.all()
    report = verify_qemu(model.graph, {model.graph.inputs[0]: x}, board="mps2-an386",
                         mixed=model)
    assert report.ok, report.first_mismatch


def test_cli_generate_and_verify_a_mixed_model(tmp_path):
    import json
    import subprocess
    import sys

    from edgesmith.io import save_esm
    from edgesmith.quant.mixed_patch import save_mixed_esm

    model = mixed_model(chain_graph, 2, 2)
    path = tmp_path / "chain_mixed.esm"
    save_mixed_esm(model, path)
    np.save(tmp_path / "x.npy", routed_inputs(model, 12, seed=2))

    def cli(*args, code=0):
        proc = subprocess.run([sys.executable, "-m", "edgesmith.cli", *map(str, args)],
                              capture_output=True, text=True, timeout=300, check=False)
        assert proc.returncode == code, proc.stderr + proc.stdout
        return proc

    info = json.loads(cli("generate", "c", path, "-o", tmp_path / "c", "--json").stdout)
    assert info["mixed"]["threshold"] == THRESHOLD
    assert info["patch"]["split"] == model.plan.split
    assert "chain_patch_branches" in (tmp_path / "c" / "chain.h").read_text()
    report = json.loads(cli("verify", path, "--target", "host", "--inputs", tmp_path / "x.npy",
                            "--samples", "4", "--json").stdout)
    assert report["samples"] == 16 and report["mismatched_samples"] == 0
    said = cli("generate", "c", path, "-o", tmp_path / "d", "--patch", "1:2", code=2)
    assert "--patch" in said.stderr and not (tmp_path / "d").exists()
    plain = tmp_path / "plain.esm"
    save_esm(model.graph, plain)  # without the mixed data: ordinary layer-based code
    assert "mixed" not in json.loads(cli("generate", "c", plain, "-o", tmp_path / "e",
                                         "--json").stdout)


@pytest.mark.slow
def test_vww_mixed_code_equals_simulator(tmp_path):
    """The MLPerf VWW float model, QuantMCU-quantized (feature maps at 4 bits), on
    the host: images within the calibrated range, some with bright outlier spots."""
    from edgesmith.frontends import load_model
    from edgesmith.io.arrays import prepare_inputs
    from edgesmith.memory.patch import plan_patches
    from edgesmith.passes import run_pipeline

    from tests.helpers.paths import SHARED_MODELS

    graph = run_pipeline(load_model(SHARED_MODELS / "mlperf_tiny" / "vww_96_float.tflite"))
    rng = np.random.default_rng(0)

    def images(n):
        x = rng.uniform(0.3, 0.7, (n, 96, 96, 3)).astype(np.float32)
        x[::2, rng.integers(0, 90), rng.integers(0, 90)] = 1.0  # spots in half of them
        x[::3, 0, 0] = 0.0
        return x

    from edgesmith.quant.calibrate import calibrate
    from edgesmith.quant.int8 import quantize_int8

    calib = images(16)
    q = quantize_int8(graph, calibrate(graph, calib))
    plan = plan_patches(q, 7, 2)
    config = MixedSearchConfig(widths=(8, 4), accuracy_weight=0.0)
    model = quantize_mixed_patch(graph, calib, plan, config, int8_graph=q).model
    assert min(model.widths().values()) == 4
    x = prepare_inputs(q, images(12))
    _, routes = simulate_mixed_patched(model, x)
    assert routes.any() and not routes.all()
    assert verify_host(model.graph, x, mixed=model).ok
