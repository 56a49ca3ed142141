"""What the console says: bracketed text is printed as written (never read as markup),
calibration counts are samples, and TensorFlow's logs stay quiet."""

import shutil

import numpy as np
import pytest

from tests.helpers.cli_run import cli, cli_json
from tests.helpers.paths import HLS4ML_MODELS, SHARED_MODELS

JET = HLS4ML_MODELS / "KERAS_3layer.json"
JET_WEIGHTS = HLS4ML_MODELS / "KERAS_3layer_weights.h5"


def test_bracketed_names_print_as_written(tmp_path):
    proc = cli(tmp_path, "inspect", "model[keras].tflite")
    assert proc.returncode == 2 and "model[keras].tflite: no such file" in proc.stderr
    folder = tmp_path / "run[1]"
    folder.mkdir()
    shutil.copy(SHARED_MODELS / "tflm" / "hello_world_int8.tflite", folder / "m[int8].tflite")
    np.save(folder / "x.npy", np.zeros((2, 1), np.int8))
    proc = cli(tmp_path, "simulate", "run[1]/m[int8].tflite", "-i", "run[1]/x.npy",
               "-o", "run[1]/y[0].npy")
    assert proc.returncode == 0, proc.stderr
    assert "wrote run[1]/y[0].npy" in proc.stdout


def test_one_unbatched_calibration_sample_counts_as_one(tmp_path):
    np.save(tmp_path / "one.npy", np.linspace(-1, 1, 16, dtype=np.float32))
    info = cli_json(tmp_path, "quantize", str(JET), "--weights", str(JET_WEIGHTS),
                    "--calib", "one.npy", "-o", "one.esm")
    assert info["calibration_samples"] == 1
    np.save(tmp_path / "many.npy", np.zeros((7, 16), np.float32) + 0.5)
    info = cli_json(tmp_path, "quantize", str(JET), "--weights", str(JET_WEIGHTS),
                    "--calib", "many.npy", "-o", "many.esm")
    assert info["calibration_samples"] == 7


@pytest.mark.slow
def test_reading_a_keras_archive_prints_no_tensorflow_logs(tmp_path):
    from edgesmith.frontends.keras import import_keras

    keras = import_keras()
    model = keras.Sequential([keras.Input((8,)), keras.layers.Dense(4, activation="relu"),
                              keras.layers.Dense(3)])
    model.save(tmp_path / "tiny.keras")
    np.save(tmp_path / "c.npy", np.random.default_rng(0).normal(size=(10, 8)).astype(np.float32))
    proc = cli(tmp_path, "quantize", "tiny.keras", "--calib", "c.npy", "-o", "tiny.esm")
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
