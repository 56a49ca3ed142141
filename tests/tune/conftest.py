"""A small float CNN built here (random weights, saved once as .esm), validation data with
the float model's own classes as labels, and a cache folder of each test's own."""

from pathlib import Path

import numpy as np
import pytest

from edgesmith.io import save_esm
from edgesmith.sim import simulate
from edgesmith.tune import read_inputs

from tests.patch.graphs import RandomGraph

SAMPLES = 48


def small_cnn():
    """8x8x2 -> conv 3x3 (8) -> depthwise 3x3 stride 2 -> conv 1x1 (4 classes)."""
    g = RandomGraph("tune_cnn", (8, 8, 2), seed=5)
    y = g.conv(g.x, 8, 3, pads=(1, 1, 1, 1), activation="relu")
    y = g.depthwise(y, 3, stride=(2, 2), pads=(0, 1, 0, 1), activation="relu")
    return g.finish(g.conv(y, 4, 1))


@pytest.fixture(scope="session")
def cnn_files(tmp_path_factory) -> dict[str, Path]:
    """model.esm, x.npy and y.npy (labels: the float model's argmax, blurred by noise on a
    quarter of the samples so that accuracy is not 1 everywhere)."""
    folder = tmp_path_factory.mktemp("tune_cnn")
    graph = small_cnn()
    save_esm(graph, folder / "model.esm")
    rng = np.random.default_rng(7)
    x = rng.uniform(-1, 1, (SAMPLES, 8, 8, 2)).astype(np.float32)
    out = simulate(graph, {graph.inputs[0]: x})[graph.outputs[0]]
    y = out.reshape(SAMPLES, -1).argmax(axis=1)
    y[::4] = rng.integers(0, 4, y[::4].shape)
    np.save(folder / "x.npy", x)
    np.save(folder / "y.npy", y)
    return {"model": folder / "model.esm", "x": folder / "x.npy", "y": folder / "y.npy",
            "folder": folder}


@pytest.fixture(scope="session")
def cnn_inputs(cnn_files):
    return read_inputs(cnn_files["model"], np.load(cnn_files["x"]), np.load(cnn_files["y"]), 16)


@pytest.fixture
def own_cache(tmp_path, monkeypatch) -> Path:
    """An empty edgesmith cache for this test (and the processes it starts)."""
    monkeypatch.setenv("EDGESMITH_CACHE", str(tmp_path / "cache"))
    return tmp_path / "cache"
