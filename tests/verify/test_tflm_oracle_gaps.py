"""Where the two oracles part on uint8 model edges, named in the check report: a converter
uint8-in/uint8-out model equals both oracles, and the samples on which they differ are
traced to FULLY_CONNECTED's output stage (not to the QUANTIZE int8 -> uint8 at the
output); the QUANTIZE conversions TFLite Micro has no kernel for are refused by name
(exit 2, pointing to --against litert) instead of its bare invocation failure."""

from __future__ import annotations

import numpy as np
import pytest

from edgesmith.errors import UnsupportedError
from edgesmith.verify.check import check_against_litert
from edgesmith.verify.tflm import check_against_tflm

from tests.helpers.cli_run import cli
from tests.helpers.converter import convert_full_int8, tflite_ops
from tests.ops.tflite_writer import T, single_op

tf = pytest.importorskip("tensorflow")


@pytest.fixture(scope="module")
def uint8_model(tmp_path_factory):
    """Two dense layers (fixed weights), uint8 input and output, as the converter writes it."""
    rng = np.random.default_rng(7)
    w1, w2 = (tf.constant(rng.normal(size=s).astype(np.float32)) for s in ((6, 8), (8, 4)))
    fn = tf.function(lambda x: tf.matmul(tf.nn.relu(tf.matmul(x, w1)), w2))
    concrete = fn.get_concrete_function(tf.TensorSpec((1, 6), tf.float32))
    path = tmp_path_factory.mktemp("u8") / "u8.tflite"
    convert_full_int8(tf.lite.TFLiteConverter.from_concrete_functions([concrete]),
                      rng.normal(size=(32, 1, 6)), path, io=("uint8", "uint8"))
    assert tflite_ops(path) == ["QUANTIZE", "FULLY_CONNECTED", "FULLY_CONNECTED", "QUANTIZE"]
    return path


def test_uint8_model_equals_both_oracles_and_names_where_they_differ(uint8_model):
    inputs = np.random.default_rng(1).integers(0, 256, size=(200, 6), dtype=np.uint8)
    litert = check_against_litert(uint8_model, samples=0, inputs=inputs)
    assert litert.samples == 200 and litert.mismatched_samples == 0, litert.first_mismatch
    report = check_against_tflm(uint8_model, samples=0, inputs=inputs)
    assert report.samples == 200 and report.mismatched_samples == 0, report.first_mismatch
    assert report.oracles_differ > 0
    op = report.first_oracle_difference["op"]  # one of the two dense layers, not a QUANTIZE
    assert op.split()[2] == "fully_connected" and op.split()[1] in ("1", "2"), op


def test_the_cli_note_names_the_op_and_the_oracle_followed(uint8_model, tmp_path):
    np.save(tmp_path / "x.npy", np.random.default_rng(1).integers(0, 256, (200, 6), np.uint8))
    run = cli(tmp_path, "check", str(uint8_model), "--against", "tflm", "--inputs", "x.npy",
              "--samples", "0")
    text = " ".join(run.stdout.split())
    assert run.returncode == 0, run.stderr
    assert "fully_connected (tflite op" in text and "edgesmith follows TFLite Micro" in text


@pytest.mark.parametrize("source", ["float32", "uint8"])
def test_a_conversion_tflm_lacks_is_refused_by_name(tmp_path, source):
    a = T((1, 8), source, *(([0.1], [128]) if source == "uint8" else (None, None)))
    path = tmp_path / "q.tflite"
    path.write_bytes(single_op("QUANTIZE", [a], [T((1, 8), "uint8", [0.07], [100])]))
    assert check_against_litert(path, samples=8).mismatched_samples == 0
    with pytest.raises(UnsupportedError, match=f"QUANTIZE has no {source} -> uint8 kernel"):
        check_against_tflm(path, samples=8)
    run = cli(tmp_path, "check", str(path), "--against", "tflm")
    assert run.returncode == 2 and "--against litert" in run.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["q.tflite"]
