"""The generated C of LSTM models (the lstm op as es_lstm_s8, the states in the state
block): on the host against the simulator and DTLN against the golden output of TFLite
Micro's test; on the emulated Cortex-M4 (slow)."""

from __future__ import annotations

import numpy as np
import pytest

from edgesmith.codegen import generate_c
from edgesmith.frontends.tflite import load_tflite
from edgesmith.verify.host import HostModel, verify_host

from tests.ops.lstm_models import LstmCase, lstm_tflite
from tests.ops.test_lstm import CASES, LSTM_MODELS, RECURRENT

DTLN = RECURRENT / "dtln_noise_suppression.tflite"


def _dtln_vector() -> tuple[np.ndarray, np.ndarray]:
    x = np.fromfile(RECURRENT / "dtln_input_1x1x257.int8.bin", dtype=np.int8).reshape(1, 1, 257)
    golden = np.fromfile(RECURRENT / "dtln_golden_output_1x1x257.int8.bin", dtype=np.int8)
    return x, golden


def _sequence(shape, samples: int, seed: int = 0) -> np.ndarray:
    """Random int8 steps (one sequence through one instance), the extremes first."""
    x = np.random.default_rng(seed).integers(-128, 128, size=(samples, *shape), dtype=np.int8)
    x[0], x[1] = -128, 127
    return x


def test_dtln_generated_c_equals_the_golden_output(tmp_path):
    graph = load_tflite(DTLN)
    folder = generate_c(graph, tmp_path / "dtln").folder
    x, golden = _dtln_vector()
    ours = HostModel(folder, graph).run({graph.inputs[0]: x})[graph.outputs[0]]
    np.testing.assert_array_equal(ours.reshape(-1), golden)


@pytest.mark.parametrize("path", LSTM_MODELS, ids=lambda p: p.stem)
def test_shared_lstm_model_c_equals_the_simulator(path):
    graph = load_tflite(path)
    shape = graph.tensors[graph.inputs[0]].shape[1:]
    # one sequence of 12 steps: the state carries from step to step in C as in the simulator
    report = verify_host(graph, {graph.inputs[0]: _sequence(shape, 12)})
    assert report.samples == 12 and report.ok, report.first_mismatch


@pytest.mark.parametrize("name", sorted(CASES))
def test_written_lstm_c_equals_the_simulator(tmp_path, name):
    case: LstmCase = CASES[name]
    path = tmp_path / "lstm.tflite"  # (a model named *_weights confuses the folder reader)
    path.write_bytes(lstm_tflite(case))
    graph = load_tflite(path)
    report = verify_host(graph, {graph.inputs[0]: _sequence(case.input_shape[1:], 6, seed=4)})
    assert report.samples == 6 and report.ok, report.first_mismatch


@pytest.mark.slow
def test_dtln_on_the_emulated_m4_equals_the_golden_output():
    from edgesmith.verify.qemu import verify_qemu

    graph = load_tflite(DTLN)
    x, golden = _dtln_vector()
    steps = np.concatenate([x, _sequence(x.shape[1:], 5)])
    report = verify_qemu(graph, {graph.inputs[0]: steps}, board="mps2-an386")
    assert report.samples == 6 and report.ok, report.first_mismatch
    # the simulator the firmware equals gives the golden output on the first step
    from edgesmith.sim import simulate
    np.testing.assert_array_equal(simulate(graph, x)[graph.outputs[0]].reshape(-1), golden)


@pytest.mark.slow
def test_trained_lstm_on_the_emulated_m4_equals_the_simulator():
    from edgesmith.verify.qemu import verify_qemu

    graph = load_tflite(RECURRENT / "trained_lstm_int8.tflite")
    report = verify_qemu(graph, {graph.inputs[0]: _sequence((28, 28), 4)}, board="mps2-an386")
    assert report.samples == 4 and report.ok, report.first_mismatch
