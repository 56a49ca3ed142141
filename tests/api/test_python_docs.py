"""docs/PYTHON.md and the README's Python example run as written, and the README's example
builds the model the CLI builds: same ops, same integer outputs (and, slow, the same
instruction count)."""

import shutil
from pathlib import Path

import numpy as np
import pytest
from numpy.testing import assert_array_equal

from edgesmith.io import load_esm

from tests.helpers.doc_blocks import python_blocks, run_blocks
from tests.helpers.cli_run import cli_json
from tests.helpers.paths import HLS4ML_MODELS, SHARED_MODELS

REPO = Path(__file__).resolve().parents[2]
KWS_FLOAT = SHARED_MODELS / "mlperf_tiny" / "kws_ref_model_float32.tflite"


@pytest.fixture
def jet_folder(tmp_path, monkeypatch):
    shutil.copy(HLS4ML_MODELS / "KERAS_3layer.json", tmp_path / "model.json")
    shutil.copy(HLS4ML_MODELS / "KERAS_3layer_weights.h5", tmp_path / "model_weights.h5")
    rng = np.random.default_rng(3)
    np.save(tmp_path / "calib.npy", rng.normal(size=(128, 16)).astype(np.float32))
    np.save(tmp_path / "x.npy", rng.normal(size=(40, 16)).astype(np.float32))
    np.save(tmp_path / "y.npy", rng.integers(0, 5, size=40))
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _page_blocks(page: Path, slow: bool) -> list[str]:
    blocks = python_blocks(page)
    assert [s for s, _ in blocks] == [False, False, False, True, True]  # the page's layout
    return [code for s, code in blocks if slow or not s]


def test_python_page_runs(jet_folder):
    ns = run_blocks(_page_blocks(REPO / "docs" / "PYTHON.md", slow=False), "PYTHON.md")
    assert (jet_folder / "model.esm").is_file()
    assert_array_equal(ns["again"].predict(ns["x"], raw=True), ns["codes"])
    assert ns["report"]["samples"] == 40 and len(ns["report"]["layers"]) == 5


@pytest.mark.slow
def test_python_page_runs_with_firmware_and_hls(jet_folder):
    ns = run_blocks(_page_blocks(REPO / "docs" / "PYTHON.md", slow=True), "PYTHON.md")
    assert (jet_folder / "fw" / "firmware.elf").is_file() and ns["image"].sizes.flash > 0


@pytest.fixture(scope="module")
def readme_run(tmp_path_factory):
    """The README's example run in a folder of a float model and its data, and the CLI's
    quantize and simulate on the same files."""
    folder = tmp_path_factory.mktemp("readme")
    shutil.copy(KWS_FLOAT, folder / "model.tflite")
    rng = np.random.default_rng(5)
    np.save(folder / "calib.npy", rng.normal(size=(24, 49, 10, 1)).astype(np.float32))
    np.save(folder / "x.npy", rng.normal(size=(12, 49, 10, 1)).astype(np.float32))
    (block,) = [code for _, code in python_blocks(REPO / "README.md")]
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(folder)
        ns = run_blocks([block], "README.md")
    cli_json(folder, "quantize", "model.tflite", "--calib", "calib.npy", "-o", "cli.esm")
    cli_json(folder, "simulate", "cli.esm", "-i", "x.npy", "-o", "cli_y.npy")
    return folder, ns


def test_readme_example_builds_the_cli_model(readme_run):
    folder, ns = readme_run
    cli_graph, python_graph = load_esm(folder / "cli.esm"), ns["q"].graph
    assert [op.type for op in python_graph.ops] == [op.type for op in cli_graph.ops]
    assert len(python_graph.ops) == 13  # ReLU fused into the convolutions, as in the CLI
    for name, t in cli_graph.tensors.items():
        if t.is_const:
            assert_array_equal(python_graph.tensors[name].data, t.data)
    assert_array_equal(ns["codes"], np.load(folder / "cli_y.npy"))
    assert_array_equal(load_esm(folder / "model.esm").tensors[cli_graph.outputs[0]].fmt.scale,
                       cli_graph.tensors[cli_graph.outputs[0]].fmt.scale)


@pytest.mark.slow
def test_readme_example_counts_the_cli_instructions(readme_run):
    folder, ns = readme_run
    report = cli_json(folder, "bench", "latency", "cli.esm", "--no-layers")
    assert ns["q"].latency("mps2-an386").instructions == report["instructions"]
