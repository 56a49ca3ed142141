"""`edgesmith plan --patch`, `generate c --patch` and verifying the patch-based code."""

import pytest
from edgesmith.memory.patch import plan_patches

from tests.boards.helpers import needs_cross, needs_qemu
from tests.cli.test_codegen_cli import run_cli, run_json

from .helpers import MODELS, load_shared

PERSON, VWW = MODELS["person"], MODELS["vww"]


@pytest.fixture(scope="module")
def person_folder(tmp_path_factory):
    folder = tmp_path_factory.mktemp("patch_cli") / "person"
    info = run_json("generate", "c", PERSON, "-o", folder, "--patch", "7:6")
    return folder, info


def test_plan_reports_the_planner_and_the_generated_code():
    info = run_json("plan", PERSON, "--patch", "7:6")
    assert (info["split"], info["grid"]) == (7, 6)
    assert (info["peak_bytes"], info["layer_based_peak_bytes"]) == (19_232, 55_296)
    assert info["extra_macs_pct"] == pytest.approx(32.711)
    assert len(info["patches"]) == 36
    code = info["generated_code"]
    assert (code["ram_bytes"], code["layer_based_ram_bytes"]) == (19_232, 55_296)
    assert code["crop_bytes"] == 1_225 and code["tile_bytes"] == 128


def test_plan_auto_within_limits_in_words():
    proc = run_cli("plan", VWW, "--patch", "auto", "--max-extra-macs", "10", "--budget-kb", "40")
    assert proc.returncode == 0, proc.stderr
    assert "8x8 patches" in proc.stdout and "38,048 B" in proc.stdout  # the planner's peak
    assert "generated C code: RAM 38,608 B" in proc.stdout  # the code adds an input crop


def test_a_budget_holds_for_the_generated_code():
    # the planner's peak (38,048 B) fits in 37.5 KiB = 38,400 B; the code's 38,608 B does not
    proc = run_cli("plan", VWW, "--patch", "3:8", "--budget-kb", "37.5")
    assert proc.returncode == 2
    assert "generated C code needs 38,608 B" in proc.stderr + proc.stdout


def test_a_bad_patch_spec_is_refused():
    proc = run_cli("plan", PERSON, "--patch", "7x6")
    assert proc.returncode == 2 and "neither 'auto' nor SPLIT:N" in proc.stderr + proc.stdout


def test_generate_then_verify_on_the_host(person_folder):
    folder, info = person_folder
    assert info["arena_bytes"] == 19_232 and info["patch"]["peak_bytes"] == 19_232
    assert info["patch"]["layer_based_code_ram_bytes"] == 55_296
    assert (info["patch"]["split"], info["patch"]["grid"]) == (7, 6)
    proc = run_cli("verify", PERSON, "--target", "host", "--code", folder, "--samples", "3")
    assert proc.returncode == 0, proc.stderr + proc.stdout
    assert "0 mismatched" in proc.stdout


@needs_cross
@needs_qemu
def test_verify_on_qemu(person_folder):
    folder, _ = person_folder
    info = run_json("verify", PERSON, "--target", "qemu:mps2-an386", "--code", folder,
                    "--samples", "3")
    assert info["mismatched_samples"] == 0 and info["samples"] >= 3


@pytest.mark.slow
@needs_cross
@needs_qemu
@pytest.mark.parametrize("key,split,grid,layer_bss,patch_bss", [
    ("vww", 3, 8, 55_312, 38_624), ("person", 7, 6, 55_312, 19_248)])
def test_firmware_ram_and_bit_exact_on_qemu(key, split, grid, layer_bss, patch_bss, tmp_path):
    from edgesmith.boards import get_board
    from edgesmith.boards.build import cached_firmware
    from edgesmith.codegen.c_patch import generate_patched_c
    from edgesmith.sim.inputs import random_inputs
    from edgesmith.verify.qemu import verify_qemu

    graph, board = load_shared(key), get_board("mps2-an386")
    generated = generate_patched_c(graph, plan_patches(graph, split, grid), tmp_path / "m")
    report = verify_qemu(graph, random_inputs(graph, 5, 1), board="mps2-an386",
                         code_dir=generated.folder)
    assert report.ok, report.first_mismatch
    layer = cached_firmware(graph, board).sizes.bss
    patched = cached_firmware(None, board, model_dir=generated.folder).sizes.bss
    assert (layer, patched) == (layer_bss, patch_bss)
    assert patched - generated.model.plan.arena_bytes == 16  # the arena is all the model's RAM
