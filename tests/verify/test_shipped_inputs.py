"""The inputs shipped with the shared models, as batches in the models' input formats."""

import numpy as np
import pytest
from edgesmith.frontends.tflite import load_tflite
from tests.helpers.shipped_inputs import shipped_inputs

from tests.helpers.paths import SHARED_MODELS

MLPERF, TFLM = SHARED_MODELS / "mlperf_tiny", SHARED_MODELS / "tflm"


@pytest.mark.parametrize("path, count", [(MLPERF / "kws_ref_model.tflite", 1),
                                         (TFLM / "person_detect.tflite", 2),
                                         (TFLM / "micro_speech_quantized.tflite", 2),
                                         (MLPERF / "ad01_int8.tflite", 196)])
def test_shipped_inputs_fit_the_model_input(path, count):
    x = shipped_inputs(path)
    t = load_tflite(path).tensors[load_tflite(path).inputs[0]]
    assert x.dtype == np.int8 and x.shape == (count, *t.shape[1:])


@pytest.mark.parametrize("name", ["vww_96_int8", "pretrainedResnet_quant", "str_ww_ref_model"])
def test_models_without_shipped_inputs(name):
    assert shipped_inputs(MLPERF / f"{name}.tflite") is None


def test_person_bytes_are_reinterpreted_not_converted():
    raw = np.fromfile(TFLM / "person_96x96.uint8.bin", dtype=np.uint8)
    x = shipped_inputs(TFLM / "person_detect.tflite")
    np.testing.assert_array_equal(x[0].reshape(-1).view(np.uint8), raw)


def test_anomaly_windows_are_five_consecutive_frames():
    mel = np.fromfile(MLPERF / "normal_id_01_00000000_hist_librosa.bin", dtype="<f4")
    mel = mel.reshape(200, 128)
    x = shipped_inputs(MLPERF / "ad01_int8.tflite")
    t = load_tflite(MLPERF / "ad01_int8.tflite")
    scale, zp = t.tensors[t.inputs[0]].fmt.scalar()
    expected = np.clip(np.round(mel[3:8].reshape(-1) / np.float32(scale)) + zp, -128, 127)
    # np.round ties to even; away from ties the two roundings agree
    assert np.mean(x[3] == expected) > 0.99
