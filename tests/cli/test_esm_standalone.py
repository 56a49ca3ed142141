"""An .esm stands alone: moved to an empty folder, away from the model it was quantized
from, every command that reads it works (build, run, verify, bench latency)."""

import shutil

import numpy as np
import pytest
from numpy.testing import assert_array_equal

from edgesmith.io import load_esm
from edgesmith.sim import simulate

from tests.helpers.cli_run import cli_json
from tests.helpers.paths import SHARED_MODELS

FLOAT_MODEL = SHARED_MODELS / "tflm" / "hello_world_float.tflite"


@pytest.fixture(scope="module")
def alone(tmp_path_factory):
    """A folder holding only the .esm and an input batch; the float model it came from
    (quantized from a copy in another folder) is deleted."""
    src = tmp_path_factory.mktemp("src")
    model = src / "source_model.tflite"
    shutil.copy(FLOAT_MODEL, model)
    np.save(src / "calib.npy", np.linspace(0, 6, 32, dtype=np.float32).reshape(32, 1))
    cli_json(src, "quantize", model.name, "--calib", "calib.npy", "-o", "m.esm")
    folder = tmp_path_factory.mktemp("alone")
    shutil.move(src / "m.esm", folder / "m.esm")
    shutil.move(src / "calib.npy", folder / "x.npy")
    shutil.rmtree(src)
    assert sorted(p.name for p in folder.iterdir()) == ["m.esm", "x.npy"]
    return folder


def test_the_esm_keeps_the_source_name_only(alone):
    graph = load_esm(alone / "m.esm")
    assert graph.meta["path"] == "source_model.tflite"


def test_build_from_an_esm_alone(alone):
    info = cli_json(alone, "build", "m.esm", "--board", "mps2-an386", "-o", "fw")
    assert (alone / "fw" / "firmware.elf").is_file() and info["code"]["arena_bytes"] > 0


def test_verify_on_the_host_from_an_esm_alone(alone):
    report = cli_json(alone, "verify", "m.esm", "--target", "host", "--samples", "20")
    assert report["samples"] == 20 and report["mismatched_samples"] == 0


def test_run_and_bench_latency_from_an_esm_alone(alone):
    cli_json(alone, "run", "m.esm", "-i", "x.npy", "-o", "y.npy")
    graph = load_esm(alone / "m.esm")
    x = np.load(alone / "x.npy")
    expected = simulate(graph, graph.tensors[graph.inputs[0]].fmt.quantize(x))
    assert_array_equal(np.load(alone / "y.npy"), expected[graph.outputs[0]])
    report = cli_json(alone, "bench", "latency", "m.esm", "--no-layers")
    assert report["instructions"] > 0


@pytest.mark.slow
def test_verify_on_qemu_from_an_esm_alone(alone):
    report = cli_json(alone, "verify", "m.esm", "--target", "qemu:mps2-an386", "--samples", "20")
    assert report["samples"] == 20 and report["mismatched_samples"] == 0
