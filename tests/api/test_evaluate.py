"""`edgesmith evaluate` and ``Model.evaluate``: the metrics, the same numbers from the CLI and
from Python, per layer, on compiled code, and `simulate --dequantize`."""

import json

import numpy as np
import pytest
from numpy.testing import assert_array_equal

import edgesmith
from edgesmith.api.metrics import accuracy, closeness, worst_layer

from tests.helpers.cli_run import cli
from tests.helpers.paths import HLS4ML_MODELS

JET = HLS4ML_MODELS / "KERAS_3layer.json"
JET_WEIGHTS = HLS4ML_MODELS / "KERAS_3layer_weights.h5"


def test_closeness_of_known_vectors():
    m = closeness(np.array([1.0, 2.0, 3.0]), np.array([1.0, 2.0, 4.0]))
    assert m["rmse"] == pytest.approx(np.sqrt(1 / 3))
    assert m["mae"] == pytest.approx(1 / 3)
    assert m["l2_relative"] == pytest.approx(1 / np.sqrt(21))
    assert m["cosine"] == pytest.approx(17 / np.sqrt(14 * 21))
    assert closeness(np.zeros(3), np.zeros(3))["l2_relative"] is None


def test_accuracy_takes_indices_or_one_hot():
    scores = np.array([[0.1, 0.9], [0.8, 0.2], [0.3, 0.7], [0.6, 0.4]])
    assert accuracy(scores, np.array([1, 0, 0, 0])) == 0.75
    assert accuracy(scores, np.eye(2)[[1, 0, 0, 0]]) == 0.75


def test_worst_layer_is_the_largest_step():
    rows = [{"op_index": i, "l2_relative": r} for i, r in enumerate([0.01, 0.02, 0.09, 0.1])]
    assert worst_layer(rows)["op_index"] == 2


@pytest.fixture(scope="module")
def jet(tmp_path_factory):
    folder = tmp_path_factory.mktemp("jet")
    rng = np.random.default_rng(7)
    np.save(folder / "calib.npy", rng.normal(size=(200, 16)).astype(np.float32))
    np.save(folder / "x.npy", rng.normal(size=(60, 16)).astype(np.float32))
    np.save(folder / "y.npy", rng.integers(0, 5, size=60))
    proc = cli(folder, "quantize", str(JET), "--weights", str(JET_WEIGHTS), "--calib",
               "calib.npy", "-o", "jet.esm")
    assert proc.returncode == 0, proc.stderr
    return folder


def _cli_evaluate(folder, *extra: str) -> dict:
    proc = cli(folder, "evaluate", "jet.esm", "--data", "x.npy", "--labels", "y.npy",
               "--against", str(JET), "--against-weights", str(JET_WEIGHTS), *extra, "--json")
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def test_cli_and_python_give_the_same_numbers(jet):
    from_cli = _cli_evaluate(jet)
    q = edgesmith.load(jet / "jet.esm")
    from_python = q.evaluate(np.load(jet / "x.npy"), np.load(jet / "y.npy"),
                             reference=edgesmith.load(JET, weights=JET_WEIGHTS))
    assert from_cli["outputs"] == from_python["outputs"]
    assert from_cli["layers"] == from_python["layers"]
    assert from_cli["samples"] == 60 and len(from_cli["layers"]) == 5
    # the last layer is the output: its numbers are the output's
    last, out = from_cli["layers"][-1], from_cli["outputs"][0]
    assert {k: last[k] for k in ("rmse", "mae", "l2_relative", "cosine")} == \
        {k: out[k] for k in ("rmse", "mae", "l2_relative", "cosine")}
    assert 0 <= out["accuracy"] <= 1 and out["argmax_agreement"] > 0.9
    assert from_cli["worst_layer"] in from_cli["layers"]


def test_evaluate_on_the_host_equals_the_simulator(jet):
    q = edgesmith.load(jet / "jet.esm")
    x, y = np.load(jet / "x.npy"), np.load(jet / "y.npy")
    reference = edgesmith.load(JET, weights=JET_WEIGHTS)
    on_host = q.evaluate(x, y, reference=reference, target="host")
    assert on_host["ran_on"] == "host"
    assert on_host["outputs"] == q.evaluate(x, y, reference=reference)["outputs"]


def test_evaluate_refuses_what_it_cannot_compare(jet):
    proc = cli(jet, "evaluate", "jet.esm", "--data", "x.npy")
    assert proc.returncode == 2 and "give --labels, --against" in proc.stderr
    assert "Traceback" not in proc.stderr
    proc = cli(jet, "evaluate", "jet.esm", "--data", "x.npy", "--against", "jet.esm")
    assert proc.returncode == 2 and "is a quantized model" in proc.stderr
    np.save(jet / "y_short.npy", np.zeros(3, np.int64))
    proc = cli(jet, "evaluate", "jet.esm", "--data", "x.npy", "--labels", "y_short.npy")
    assert proc.returncode == 2 and "labels hold 3 samples" in proc.stderr


def test_simulate_dequantize_writes_real_values(jet):
    proc = cli(jet, "simulate", "jet.esm", "-i", "x.npy", "-o", "raw.npy")
    assert proc.returncode == 0, proc.stderr
    proc = cli(jet, "simulate", "jet.esm", "-i", "x.npy", "-o", "real.npy", "--dequantize")
    assert proc.returncode == 0, proc.stderr
    q = edgesmith.load(jet / "jet.esm")
    fmt = q.graph.tensors[q.graph.outputs[0]].fmt
    real = np.load(jet / "real.npy")
    assert real.dtype == np.float32
    assert_array_equal(real, fmt.dequantize(np.load(jet / "raw.npy")).astype(np.float32))
    assert_array_equal(real, q.predict(np.load(jet / "x.npy")))


def test_chunks_give_the_numbers_of_one_batch(jet, monkeypatch):
    from edgesmith.api import evaluate as evaluate_module

    q = edgesmith.load(jet / "jet.esm")
    reference = edgesmith.load(JET, weights=JET_WEIGHTS)
    x, y = np.load(jet / "x.npy"), np.load(jet / "y.npy")
    whole = evaluate_module.evaluate_graph(q.graph, x, y, reference.graph)
    monkeypatch.setattr(evaluate_module, "CHUNK", 7)
    steps = []
    chunked = evaluate_module.evaluate_graph(q.graph, x, y, reference.graph,
                                             advance=steps.append)
    assert steps == [7] * 8 + [4]
    # the quantized side is integers, equal in any chunking; the float reference's matrix
    # products round a little differently with the batch size
    for got, want in zip(chunked["outputs"] + chunked["layers"],
                         whole["outputs"] + whole["layers"]):
        assert got.keys() == want.keys()
        for key, value in want.items():
            if isinstance(value, float):
                assert got[key] == pytest.approx(value, rel=1e-5, abs=1e-7), key
            else:
                assert got[key] == value, key
