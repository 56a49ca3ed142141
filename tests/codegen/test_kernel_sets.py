"""The C kernel set of a generated folder: chosen in Python by core, board and option."""

import json
import subprocess
import sys

import numpy as np
import pytest

from edgesmith.boards.project import write_project
from edgesmith.boards.registry import get_board
from edgesmith.codegen.c_kernel_sets import FAST_MIN_STACK, kernel_set_for, set_chain
from edgesmith.errors import EdgesmithError

from tests.helpers.paths import SHARED_MODELS
from tests.runtime.harness import fmt, random_int8, single_op

HELLO = SHARED_MODELS / "tflm" / "hello_world_int8.tflite"


def run_cli(*args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "edgesmith.cli", *map(str, args)],
                          capture_output=True, text=True, timeout=300, check=False)


def test_the_fast_set_unless_asked_or_the_stack_is_too_small():
    assert kernel_set_for() == "fast" == kernel_set_for("cortex-m4", FAST_MIN_STACK)
    assert kernel_set_for("cortex-m0", FAST_MIN_STACK // 4) == "reference"
    assert kernel_set_for("cortex-m4", requested="reference") == "reference"
    with pytest.raises(EdgesmithError, match="unknown kernel set 'turbo'"):
        kernel_set_for(requested="turbo")


def test_a_helium_core_gets_the_mve_set_and_its_missing_kernels_fall_back():
    from edgesmith.codegen.c_runtime import kernel_sources

    assert kernel_set_for("cortex-m55") == "mve" != kernel_set_for("cortex-m33")
    assert set_chain("mve") == ["mve", "fast", "reference"]
    assert kernel_sources(["es_conv2d_s8", "es_fully_connected_s8", "es_softmax_s8"], "mve") \
        == ["runtime/kernels/mve/es_conv2d_s8.c", "runtime/kernels/mve/es_fully_connected_s8.c",
            "runtime/kernels/ref/es_softmax_s8.c"]


@pytest.mark.parametrize("kernels", ["fast", "reference"])
def test_generate_c_carries_the_chosen_set(tmp_path, kernels):
    proc = run_cli("generate", "c", HELLO, "-o", tmp_path / "m", "--core", "cortex-m4",
                   "--kernels", kernels, "--optimize", "size", "--json")
    assert proc.returncode == 0, proc.stderr
    info = json.loads(proc.stdout)
    folder = {"fast": "fast", "reference": "ref"}[kernels]
    assert info["kernel_set"] == kernels
    assert f"runtime/kernels/{folder}/es_fully_connected_s8.c" in info["files"]
    assert (tmp_path / "m" / "runtime" / "kernels" / folder / "es_fully_connected_s8.c").is_file()


@pytest.mark.parametrize("option, value, message", [
    ("--kernels", "turbo", "unknown kernel set 'turbo'"),
    ("--core", "cortex-m9", "unknown core 'cortex-m9'")])
def test_generate_c_refuses_an_unknown_set_or_core(tmp_path, option, value, message):
    proc = run_cli("generate", "c", HELLO, "-o", tmp_path / "m", option, value)
    assert proc.returncode == 2 and message in proc.stderr + proc.stdout
    assert "Traceback" not in proc.stderr and not (tmp_path / "m").exists()


def test_a_board_project_takes_its_cores_set_and_the_reference_where_stack_is_short(tmp_path):
    rng = np.random.default_rng(0)
    case = single_op("fully_connected", [(random_int8(rng, (1, 9)), fmt(0.1, 3), False),
                                          (random_int8(rng, (4, 9)), fmt(0.01, 0), True)],
                     fmt(0.2, -5))
    graph = case.graph
    kernels = {}
    for board in ("mps2-an386", "microbit"):
        write_project(graph, get_board(board), tmp_path / board)
        kernels[board] = sorted(p.parent.name for p in
                                (tmp_path / board / "model" / "runtime" / "kernels").rglob("*.c"))
    assert get_board("microbit").stack_bytes < FAST_MIN_STACK <= get_board("mps2-an386").stack_bytes
    assert kernels == {"mps2-an386": ["fast"], "microbit": ["ref"]}


def test_code_options_take_a_boards_set_unless_one_was_asked_for():
    from edgesmith.codegen.options import CodeOptions

    small = get_board("microbit")
    assert CodeOptions().kernel_set is None
    assert CodeOptions().for_core(small.core, small.stack_bytes).kernel_set == "reference"
    assert CodeOptions().for_core("cortex-m4", FAST_MIN_STACK).kernel_set == "fast"
    asked = CodeOptions(kernel_set="fast")
    assert asked.for_core(small.core, small.stack_bytes) is asked


def test_the_mve_set_defines_reference_kernels_only():
    import re

    from edgesmith.kernels.c_prototypes import runtime_prototypes
    from edgesmith.resources import data_path

    sources = sorted(data_path("runtime", "kernels", "mve").glob("*.c"))
    defined = {name for path in sources
               for name in re.findall(r"^es_status\s+(es_\w+)\s*\(", path.read_text(), re.M)}
    assert len(sources) == 3
    assert defined == {"es_conv2d_s8", "es_depthwise_conv2d_s8", "es_depthwise_conv2d_s8_inplace",
                       "es_fully_connected_s8"}
    assert defined <= set(runtime_prototypes())
