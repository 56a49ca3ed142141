"""``q.compile(target).predict(X)`` equals ``q.predict(X, raw=True)`` bit for bit: the
generated C on the host for every int8 MLPerf Tiny model, firmware under QEMU (slow) and the
HLS C-simulation of the jet tagger (slow)."""

import numpy as np
import pytest
from numpy.testing import assert_array_equal

import edgesmith
from edgesmith.sim.inputs import random_inputs

from tests.helpers.paths import HLS4ML_MODELS, SHARED_MODELS

MLPERF = sorted((SHARED_MODELS / "mlperf_tiny").glob("*.tflite"))


def _int8_models() -> list:
    models = [edgesmith.load(p) for p in MLPERF]
    return [m for m in models if m.quantized]


@pytest.fixture(scope="module")
def int8_models():
    models = _int8_models()
    assert len(MLPERF) == 9 and len(models) == 5  # ad01, kws, resnet, str_ww, vww
    return models


def _inputs(model, count: int, seed: int = 0):
    """Raw random inputs, and real values that quantize to them."""
    raw = random_inputs(model.graph, count, seed)
    name = model.graph.inputs[0]
    return raw[name], model.graph.tensors[name].fmt.dequantize(raw[name])


@pytest.mark.parametrize("k", range(5))
def test_host_predicts_as_the_simulator(int8_models, k):
    m = int8_models[k]
    raw, real = _inputs(m, 4)
    with m.compile("host") as native:
        assert_array_equal(native.predict(raw, raw=True), m.predict(raw, raw=True))
        assert_array_equal(native.predict(real), m.predict(real))


@pytest.mark.slow
def test_qemu_predicts_as_the_simulator(int8_models):
    for m in int8_models:
        raw, _ = _inputs(m, 3, seed=1)
        with m.compile("qemu:mps2-an386") as board:
            assert_array_equal(board.predict(raw, raw=True), m.predict(raw, raw=True))


@pytest.mark.slow
def test_hls_csim_predicts_as_the_simulator():
    m = edgesmith.load(HLS4ML_MODELS / "KERAS_3layer.json",
                       weights=HLS4ML_MODELS / "KERAS_3layer_weights.h5")
    x = np.random.default_rng(0).normal(size=(64, 16)).astype(np.float32)
    q = m.quantize(x, scheme="fixed")
    with q.compile("hls-csim") as csim:
        got = csim.predict(x, raw=True)
    want = q.predict(x, raw=True)
    assert got.dtype == want.dtype
    assert_array_equal(got, want)
