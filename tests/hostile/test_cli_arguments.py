"""Bad command-line arguments: exit 2 with a message and nothing written (issue 15's cases)."""

from __future__ import annotations

import json
import os
import stat
import zipfile

import numpy as np
import pytest

from edgesmith.io.outputs import umask_mode
from tests.helpers.paths import HLS4ML_MODELS, SHARED_MODELS
from tests.hostile.cli_runner import assert_refused, files_under, run

HELLO = SHARED_MODELS / "tflm" / "hello_world_int8.tflite"
JSON_1LAYER = HLS4ML_MODELS / "KERAS_1layer.json"
WEIGHTS_1LAYER = HLS4ML_MODELS / "KERAS_1layer_weights.h5"


def _npy(folder, name, array):
    path = folder / name
    np.save(path, array)
    return path


@pytest.fixture
def hello_inputs(tmp_path):
    return _npy(tmp_path, "x.npy", np.zeros((3, 1), np.int8))


def _quantize_args(calib, out, *extra):
    return ["quantize", JSON_1LAYER, "--weights", WEIGHTS_1LAYER, "--calib", calib, "-o", out,
            *extra]


@pytest.fixture
def calib(tmp_path):
    return _npy(tmp_path, "calib.npy", np.random.default_rng(0).uniform(-1, 1, (16, 10))
                .astype(np.float32))


def test_output_at_a_folder(tmp_path, hello_inputs):
    before = files_under(tmp_path)
    assert_refused(["simulate", HELLO, "-i", hello_inputs, "-o", tmp_path], "is a folder")
    assert files_under(tmp_path) == before


def test_output_under_a_file(tmp_path, hello_inputs):
    assert_refused(["generate", "c", HELLO, "-o", hello_inputs / "code"], "is a file")
    assert_refused(["simulate", HELLO, "-i", hello_inputs, "-o", hello_inputs / "y.npy"],
                   "is a file")


def test_output_where_nothing_can_be_written(hello_inputs):
    assert_refused(["simulate", HELLO, "-i", hello_inputs, "-o", "/proc/edgesmith/y.npy"],
                   "cannot write in folder /proc")
    assert_refused(["generate", "c", HELLO, "-o", "/proc/edgesmith/code"], "cannot write")


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_output_into_a_read_only_folder(tmp_path, hello_inputs):
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        assert_refused(["simulate", HELLO, "-i", hello_inputs, "-o", locked / "y.npy"],
                       "cannot write")
    finally:
        locked.chmod(0o700)


def test_seed_and_samples_out_of_range():
    code, text = run("check", HELLO, "--seed", "-1")
    assert code == 2 and "--seed" in text
    assert_refused(["check", HELLO, "--samples", "1000000000"], "1,000,000,000 random samples",
                   "more than edgesmith accepts")


def test_check_inputs_of_the_wrong_shape_or_type(tmp_path):
    assert_refused(["check", HELLO, "--samples", "0", "--inputs",
                    _npy(tmp_path, "wide.npy", np.zeros((2, 3), np.int8))], "expects samples")
    assert_refused(["check", HELLO, "--samples", "0", "--inputs",
                    _npy(tmp_path, "i16.npy", np.zeros((2, 1), np.int16))], "int8", "int16")
    # float data is quantized with the input's format, as `simulate` does: a valid input
    code, text = run("check", HELLO, "--samples", "0", "--inputs",
                     _npy(tmp_path, "f32.npy", np.linspace(0, 6, 5, dtype=np.float32)[:, None]))
    assert code == 0 and "5 samples" in text, text


@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_calibration_data_that_is_not_finite(tmp_path, bad):
    data = np.zeros((4, 10), np.float32)
    data[1, 2] = bad
    out = tmp_path / "q.esm"
    assert_refused(_quantize_args(_npy(tmp_path, "c.npy", data), out), "NaN or infinite")
    assert not out.exists()


def test_pickled_arrays_are_refused(tmp_path):
    path = tmp_path / "obj.npy"
    np.save(path, np.array([{"a": 1}], dtype=object), allow_pickle=True)
    assert_refused(["check", HELLO, "--samples", "0", "--inputs", path], "obj.npy")


def test_qemu_target_without_a_board():
    assert_refused(["verify", HELLO, "--target", "qemu:"], "names no board")


def test_bit_widths_and_headroom_out_of_range(tmp_path, calib):
    out = tmp_path / "q.esm"
    for extra in (["--act-bits", "0"], ["--weight-bits", "0"],
                  ["--scheme", "fixed", "--headroom", "1000"]):
        code, text = run(*_quantize_args(calib, out, *extra))
        assert code == 2 and extra[-2] in text, text
        assert not out.exists()


def test_stale_staging_folders_are_removed_by_the_next_run(tmp_path):
    out = tmp_path / "code"
    stale = tmp_path / ".code.k1ll3d.tmp"
    stale.mkdir()
    (stale / "half.c").write_text("/* half written */")
    code, text = run("generate", "c", HELLO, "-o", out)
    assert code == 0, text
    assert not stale.exists() and (out / "README.md").exists()


def test_outputs_get_the_umask_mode_and_no_absolute_paths(tmp_path, calib):
    out = tmp_path / "q.esm"
    code, text = run(*_quantize_args(calib, out))
    assert code == 0, text
    assert stat.S_IMODE(out.stat().st_mode) == umask_mode()
    with zipfile.ZipFile(out) as zf:
        manifest = zf.read("manifest.json").decode()
    meta = json.loads(manifest)["meta"]
    assert meta["path"] == JSON_1LAYER.name and meta["weights"] == WEIGHTS_1LAYER.name
    assert str(tmp_path) not in manifest and str(HLS4ML_MODELS.resolve()) not in manifest
    x = _npy(tmp_path, "x.npy", np.zeros((2, 10), np.float32))
    y = tmp_path / "y.npy"
    code, text = run("simulate", out, "-i", x, "-o", y)
    assert code == 0, text
    assert stat.S_IMODE(y.stat().st_mode) == umask_mode()


def test_verify_code_of_another_model(tmp_path):
    code, text = run("generate", "c", HELLO, "-o", tmp_path / "hello")
    assert code == 0, text
    kws = SHARED_MODELS / "mlperf_tiny" / "kws_ref_model.tflite"
    assert_refused(["verify", kws, "--target", "host", "--code", tmp_path / "hello"],
                   "input/output bytes [1]/[1]", "has [490]/[12]")
