"""Instruction counts of an already generated C folder (``model_dir`` / ``--code``).

The folder is edgesmith's own code with exactly 1000 NOPs added at the top of
``<model>_invoke()``: a count that really comes from the given folder is 1000
instructions more than the generated code's, per inference and in op 0.
"""

from __future__ import annotations

import json

import numpy as np
import pytest
from edgesmith.boards import get_board
from edgesmith.boards.latency import measure_latency
from edgesmith.cli import app
from edgesmith.codegen import generate_c
from edgesmith.frontends import load_model
from typer.testing import CliRunner

from .helpers import needs_cross, needs_qemu, shared_model

pytestmark = [needs_cross, needs_qemu]

EXTRA_NOPS = 1000
BOARD = "mps2-an386"


@pytest.fixture(scope="module")
def model_and_padded_code(tmp_path_factory):
    """hello_world_int8 and its generated folder with EXTRA_NOPS executed in every invoke."""
    path = shared_model("tflm/hello_world_int8")
    graph = load_model(path)
    folder = generate_c(graph, tmp_path_factory.mktemp("code") / "model").folder
    source = folder / f"{graph.name}.c"
    text = source.read_text()
    start = f"es_status {graph.name}_invoke(void)\n{{\n    es_status status = ES_OK;\n"
    assert text.count(start) == 1, "the generated invoke() no longer starts as this test expects"
    nops = f'    __asm volatile(".rept {EXTRA_NOPS}\\n\\tnop\\n\\t.endr");\n'
    source.write_text(text.replace(start, start + nops))
    return path, graph, folder


def test_counts_come_from_the_given_folder(model_and_padded_code):
    _, graph, folder = model_and_padded_code
    board = get_board(BOARD)
    generated = measure_latency(graph, board, samples=2, seed=5)
    given = measure_latency(graph, board, samples=2, seed=5, model_dir=folder)
    np.testing.assert_array_equal(
        np.array(given.instructions_per_sample) - np.array(generated.instructions_per_sample),
        [EXTRA_NOPS, EXTRA_NOPS])
    # the traced build uses the folder too: the NOPs land in op 0 and nowhere else
    per_op = np.array([x.instructions for x in given.layers])
    np.testing.assert_array_equal(per_op - [x.instructions for x in generated.layers],
                                  [EXTRA_NOPS] + [0] * (len(graph.ops) - 1))
    assert [x.type for x in given.layers] == [op.type for op in graph.ops]


def test_cli_bench_latency_code(model_and_padded_code):
    path, graph, folder = model_and_padded_code
    given = measure_latency(graph, get_board(BOARD), samples=1, seed=0, per_layer=False,
                            model_dir=folder)
    result = CliRunner().invoke(app, ["bench", "latency", str(path), "--board", BOARD,
                                      "--no-layers", "--code", str(folder), "--json"])
    assert result.exit_code == 0, result.output
    info = json.loads(result.stdout)
    assert info["code"] == str(folder) and info["layers"] == []
    assert info["instructions"] == given.instructions


def test_cli_bench_latency_missing_code_folder(tmp_path):
    missing = tmp_path / "nowhere"
    result = CliRunner().invoke(app, ["bench", "latency",
                                      str(shared_model("tflm/hello_world_int8")),
                                      "--code", str(missing)])
    assert result.exit_code == 2
    assert f"model folder {missing} does not exist" in result.output
    assert "Traceback" not in result.output
