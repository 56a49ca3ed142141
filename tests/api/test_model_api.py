"""The model object: loading and quantizing as the CLI does, predicting real values or raw
integers, saving, a short repr, and clear errors."""

import numpy as np
import pytest
from numpy.testing import assert_array_equal

import edgesmith
from edgesmith.errors import EdgesmithError
from edgesmith.sim import simulate

from tests.helpers.paths import SHARED_MODELS

KWS_FLOAT = SHARED_MODELS / "mlperf_tiny" / "kws_ref_model_float32.tflite"


@pytest.fixture(scope="module")
def kws():
    m = edgesmith.load(KWS_FLOAT)
    calib = np.random.default_rng(0).normal(size=(16, 49, 10, 1)).astype(np.float32)
    return m, m.quantize(calib), calib


def test_predict_quantizes_real_inputs_and_dequantizes_outputs(kws):
    _, q, x = kws
    g = q.graph
    fin, fout = g.tensors[g.inputs[0]].fmt, g.tensors[g.outputs[0]].fmt
    raw = simulate(g, fin.quantize(x))[g.outputs[0]]
    assert_array_equal(q.predict(x, raw=True), raw)
    assert_array_equal(q.predict(fin.quantize(x), raw=True), raw)  # integers taken as stored
    assert_array_equal(q.predict(x), fout.dequantize(raw).astype(np.float32))


def test_one_unbatched_sample_is_one_sample(kws):
    m, q, x = kws
    assert_array_equal(q.predict(x[0], raw=True), q.predict(x[:1], raw=True))
    assert m.quantize(x[0]).quantization.calibration_samples == 1
    assert q.quantization.calibration_samples == 16


def test_repr_is_one_short_line(kws):
    m, q, _ = kws
    for text in (repr(m), repr(q), repr(q.graph), str(q.graph)):
        assert "\n" not in text and len(text) < 400, text
    assert "13 ops" in repr(q) and "s8" in repr(q) and "float32" in repr(m)
    const = next(t for t in q.graph.tensors.values() if t.is_const)
    assert "const" in repr(const) and len(repr(const)) < 300


def test_save_and_load_again(kws, tmp_path):
    _, q, x = kws
    path = q.save(tmp_path / "kws.esm")
    again = edgesmith.load(path)
    assert again.quantized
    assert_array_equal(again.predict(x, raw=True), q.predict(x, raw=True))
    with pytest.raises(EdgesmithError, match="must end in .esm"):
        q.save(tmp_path / "kws.bin")


def test_errors_are_edgesmith_errors(kws):
    m, q, x = kws
    with pytest.raises(EdgesmithError, match="already quantized"):
        q.quantize(x)
    with pytest.raises(EdgesmithError, match="expects samples of shape"):
        q.predict(np.zeros((2, 7), np.float32))
    with pytest.raises(EdgesmithError, match="quantize it first"):
        m.compile("host")
    with pytest.raises(EdgesmithError, match="real board"):
        q.compile("nucleo-f411re")
    with pytest.raises(EdgesmithError, match="fixed-point"):
        q.compile("hls-csim")
    with pytest.raises(EdgesmithError, match="no such file"):
        edgesmith.load("missing.tflite")


def test_float_model_predicts_float(kws):
    m, _, x = kws
    y = m.predict(x[:3])
    assert y.dtype == np.float32 and y.shape == (3, 12)
    assert_array_equal(y, simulate(m.graph, x[:3])[m.graph.outputs[0]])
