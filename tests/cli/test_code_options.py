"""Code-generation options given once reach every target: `verify` on the host, on an
emulated board and `build` report the code they ran, and it is the code the options ask for."""

import pytest

from edgesmith.codegen.c_plan import plan_c_arena
from edgesmith.frontends import load_model

from tests.cli.test_codegen_cli import run_json
from tests.helpers.paths import SHARED_MODELS

VWW = SHARED_MODELS / "mlperf_tiny" / "vww_96_int8.tflite"
OPTIONS = ("--strategy", "greedy", "--no-inplace", "--name", "wakeword")

pytestmark = pytest.mark.slow  # firmware builds and runs of a 7.5 M-MAC model


@pytest.fixture(scope="module")
def arenas():
    """The arena of vww's code with the options and with the defaults: they differ, so a
    dropped option shows."""
    graph = load_model(VWW)
    asked = plan_c_arena(graph, "greedy", inplace=False).arena_bytes
    default = plan_c_arena(graph, "optimal", inplace=True).arena_bytes
    assert asked != default
    return asked, default


@pytest.mark.parametrize("target", ["host", "qemu:mps2-an386"])
def test_verify_runs_the_code_the_options_ask_for(arenas, target):
    info = run_json("verify", VWW, "--target", target, "--samples", "2", *OPTIONS)
    assert info["mismatched_samples"] == 0 and info["samples"] == 2
    assert info["code"] == {"name": "wakeword", "strategy": "greedy", "inplace": False,
                            "patch": None, "arena_bytes": arenas[0]}


def test_verify_with_the_defaults_runs_the_default_code(arenas):
    info = run_json("verify", VWW, "--target", "qemu:mps2-an386", "--samples", "1")
    assert info["code"]["arena_bytes"] == arenas[1] and info["code"]["inplace"]


def test_build_takes_a_patch_plan(tmp_path, arenas):
    info = run_json("build", VWW, "--board", "mps2-an386", "-o", tmp_path / "fw",
                    "--patch", "auto", "--max-extra-macs", "10", "--name", "wakeword")
    code = info["code"]
    assert code["name"] == "wakeword" and code["patch"] is not None
    split, grid = (int(v) for v in code["patch"].split(":"))
    assert split >= 0 and grid >= 2
    assert code["arena_bytes"] < arenas[1]  # patch-based code needs less RAM than layer-based
    assert (tmp_path / "fw").is_dir()
