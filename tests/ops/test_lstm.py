"""UNIDIRECTIONAL_SEQUENCE_LSTM: the simulator against TFLite Micro (the oracle for this op)
on the LSTM models of TFLite Micro's own tests and on hand-written models of several sizes
and layouts, DTLN against the golden output of TFLite Micro's test, and the refusals of
what TFLite Micro's kernel does not run."""

from __future__ import annotations

import numpy as np
import pytest

from edgesmith.errors import EdgesmithError, UnsupportedError
from edgesmith.frontends.tflite import load_tflite
from edgesmith.sim import simulate
from edgesmith.verify.tflm import check_against_tflm, run_tflm

from tests.helpers.paths import SHARED_MODELS
from tests.ops.lstm_models import LstmCase, lstm_tflite

RECURRENT = SHARED_MODELS / "recurrent" / "tflm"


def _has_lstm(path) -> bool:
    try:
        return any(op.type == "lstm" for op in load_tflite(path).ops)
    except EdgesmithError:  # the SVDF models, until their op exists
        return False


LSTM_MODELS = sorted(p for p in RECURRENT.glob("*.tflite") if _has_lstm(p))


def test_the_shared_lstm_models_are_found():
    assert len(LSTM_MODELS) == 2, LSTM_MODELS


@pytest.mark.parametrize("path", LSTM_MODELS, ids=lambda p: p.stem)
def test_shared_lstm_model_equals_tflite_micro(path):
    report = check_against_tflm(path, samples=200)
    assert report.samples == 200 and report.mismatched_samples == 0, report.first_mismatch
    # LiteRT is not the oracle here: its integer LSTM (lstm_eval.cc, 8x8_16) computes the
    # gate sigmoid and tanh with gemmlowp's exp-based fixed-point functions, where TFLite
    # Micro interpolates a 256-entry table, and it requantizes the element-wise products
    # (forget x cell, input x cell gate) with plain rounding shifts (15, 30 + cell power),
    # where TFLite Micro applies a Q31 multiplier and shift (two roundings). Measured: on
    # trained_lstm_int8 8 of these 200 samples (20 sequences of 10 steps) differ, on DTLN 198.
    assert report.litert_error is None and report.oracles_differ > 0


def test_dtln_equals_the_golden_output_of_tflite_micros_test():
    graph = load_tflite(RECURRENT / "dtln_noise_suppression.tflite")
    graph.meta["fc_output_stage"] = "q31"  # TFLite Micro's dense layer after the LSTMs
    x = np.fromfile(RECURRENT / "dtln_input_1x1x257.int8.bin", dtype=np.int8).reshape(1, 1, 257)
    golden = np.fromfile(RECURRENT / "dtln_golden_output_1x1x257.int8.bin", dtype=np.int8)
    ours = simulate(graph, x)[graph.outputs[0]]
    np.testing.assert_array_equal(ours.reshape(-1), golden)
    np.testing.assert_array_equal(run_tflm(RECURRENT / "dtln_noise_suppression.tflite", x)[0]
                                  .reshape(-1), golden)


CASES = {
    "tiny": LstmCase(5, 3, 4),
    "wider_q3_12_cell_asymmetric_hidden": LstmCase(12, 10, 16, hidden_zero_point=-5,
                                                   cell_power=-12),
    "time_major": LstmCase(1, 6, 8, time_major=True),
    "q0_15_cell_no_clip_large_weights": LstmCase(7, 4, 6, cell_power=-15, cell_clip=0.0,
                                                 weight_scale=0.08),
    "saturating_cell_clip": LstmCase(9, 8, 12, cell_power=-10, cell_clip=0.7,
                                     weight_scale=0.05, seed=3),
}


@pytest.fixture(scope="module", params=sorted(CASES))
def written(request, tmp_path_factory):
    path = tmp_path_factory.mktemp("lstm") / f"{request.param}.tflite"
    path.write_bytes(lstm_tflite(CASES[request.param]))
    return path, CASES[request.param]


def test_written_lstm_equals_tflite_micro(written):
    path, case = written
    rng = np.random.default_rng(1)
    x = rng.integers(-128, 128, size=(64, *case.input_shape), dtype=np.int8)
    x[0], x[1] = -128, 127
    report = check_against_tflm(path, samples=0, inputs=x)
    assert report.samples == 64 and report.mismatched_samples == 0, report.first_mismatch
    theirs = run_tflm(path, x[:8])[0]
    assert len(np.unique(theirs)) > 8  # the outputs vary: the comparison can fail


def test_float_lstm_follows_tflite_micro(tmp_path):
    path = tmp_path / "float.tflite"
    path.write_bytes(lstm_tflite(LstmCase(6, 3, 5), dtype="float32"))
    x = np.random.default_rng(2).normal(size=(8, 1, 6, 3)).astype(np.float32)
    graph = load_tflite(path)
    ours = simulate(graph, x.reshape(8, 6, 3))[graph.outputs[0]]
    theirs = run_tflm(path, x.reshape(8, 6, 3))[0]
    np.testing.assert_allclose(ours, theirs.reshape(ours.shape), atol=2e-5)
    assert np.abs(theirs).max() > 0.1


@pytest.mark.parametrize("variant, kwargs, message", [
    ("peephole", {"add": (10,)}, "peephole is not supported"),
    ("projection", {"add": (16,)}, "projection is not supported"),
    ("layer_norm", {"add": (21,)}, "layer normalization is not supported"),
    ("cifg", {"omit": (1, 5)}, "input gate (CIFG)"),
    ("relu_cell", {"activation": 1}, "cell activation must be tanh"),
    ("per_channel", {"per_channel": True}, "one scale and zero point 0"),
])
def test_lstm_variants_tflite_micro_refuses_are_refused(tmp_path, variant, kwargs, message):
    path = tmp_path / f"{variant}.tflite"
    path.write_bytes(lstm_tflite(LstmCase(3, 4, 4), **kwargs))
    with pytest.raises(UnsupportedError, match=message.replace("(", r"\(").replace(")", r"\)")):
        load_tflite(path)


def test_post_training_quantization_of_a_float_lstm_takes_the_converters_recipe(tmp_path):
    from edgesmith.quant.calibrate import calibrate
    from edgesmith.quant.int8 import quantize_int8

    path = tmp_path / "float.tflite"
    path.write_bytes(lstm_tflite(LstmCase(6, 3, 5), dtype="float32"))
    graph = load_tflite(path)
    calib = np.random.default_rng(0).normal(size=(4, 6, 3)).astype(np.float32)
    q = quantize_int8(graph, calibrate(graph, calib))  # tests/recurrent/test_lstm_ptq.py
    op = q.ops[0]
    hidden, cell, out = (q.tensors[n] for n in (op.inputs[13], op.inputs[14], op.outputs[0]))
    assert hidden.fmt == out.fmt and hidden.dtype == "int8"
    scale, zero_point = cell.fmt.scalar()
    assert cell.dtype == "int16" and zero_point == 0 and np.log2(scale) == int(np.log2(scale))
    assert all(q.tensors[n].dtype == "int8" for n in op.inputs[1:9])
