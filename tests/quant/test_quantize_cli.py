"""`edgesmith quantize` with --scheme, --weight-bits/--act-bits and --precision, its
saturation report, and `edgesmith verify --target host` on the result."""

import json

import numpy as np
import pytest
from typer.testing import CliRunner

from edgesmith.cli import app
from edgesmith.io import load_esm

from tests.helpers.keras_check import keras_or_skip


@pytest.fixture(scope="module")
def cnn_file(tmp_path_factory):
    keras = keras_or_skip()
    from keras import layers

    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((8, 8, 1)),
                              layers.Conv2D(4, 3, padding="same", activation="relu"),
                              layers.MaxPooling2D(2), layers.Flatten(), layers.Dense(3)])
    folder = tmp_path_factory.mktemp("cli")
    model.save(folder / "cnn.keras")
    np.save(folder / "calib.npy", np.random.default_rng(0).normal(size=(32, 8, 8, 1))
            .astype(np.float32))
    return folder


def run(*args: str):
    return CliRunner().invoke(app, list(args))


def test_fixed_scheme_reports_overflows_and_verifies_on_the_host(cnn_file):
    out = cnn_file / "fixed.esm"
    result = run("quantize", str(cnn_file / "cnn.keras"), "--calib", str(cnn_file / "calib.npy"),
                 "-o", str(out), "--scheme", "fixed", "--precision", "0=fixed<8,1,RND,WRAP>",
                 "--json")
    assert result.exit_code == 0, result.output
    info = json.loads(result.stdout)
    top = info["overflows"][0]
    assert top["op_index"] == 0 and top["kind"] == "wrapped" and top["count"] > 0
    assert [a["op_type"] for a in info["accumulators"]] == ["conv2d", "fully_connected"]
    assert not any(a["may_overflow"] for a in info["accumulators"])
    assert load_esm(out).tensors[load_esm(out).outputs[0]].dtype == "int32"
    verified = run("verify", str(out), "--target", "host", "--samples", "4", "--json")
    assert verified.exit_code == 0, verified.output
    assert json.loads(verified.stdout)["mismatched_samples"] == 0


def test_human_output_names_the_top_offender_and_the_risky_accumulator(cnn_file):
    result = run("quantize", str(cnn_file / "cnn.keras"), "--calib", str(cnn_file / "calib.npy"),
                 "-o", str(cnn_file / "narrow.esm"), "--scheme", "fixed", "--precision",
                 "0=fixed<6,1,RND,SAT>", "--precision", "3:acc=fixed<10,3>")
    assert result.exit_code == 0, result.output
    assert "values out of range on the calibration set" in result.stdout
    assert "saturated" in result.stdout
    assert "op 3 (fully_connected" in result.stdout and "can overflow" in result.stdout


def test_subbyte_and_pow2_options(cnn_file):
    for extra in (["--scheme", "int8", "--weight-bits", "4", "--act-bits", "4"],
                  ["--scheme", "pow2", "--weight-bits", "3"]):
        out = cnn_file / "q.esm"
        result = run("quantize", str(cnn_file / "cnn.keras"), "--calib",
                     str(cnn_file / "calib.npy"), "-o", str(out), *extra, "--json")
        assert result.exit_code == 0, result.output
        info = json.loads(result.stdout)
        assert info["weight_bytes"] < info["weight_bytes_float"] / 4


@pytest.mark.parametrize("args,message", [
    (["--scheme", "fixed", "--precision", "nosuch=fixed<8,3>"], "no op has this output tensor"),
    (["--scheme", "fixed", "--precision", "0:fixed<8,3>"], "expected LAYER=fixed<W,I"),
    (["--scheme", "int8", "--precision", "0=fixed<8,3>"], "applies to --scheme fixed and pow2"),
    (["--scheme", "int8", "--act-bits", "3"], "8, 4 or 2 bits"),
])
def test_clear_errors(cnn_file, args, message):
    result = run("quantize", str(cnn_file / "cnn.keras"), "--calib", str(cnn_file / "calib.npy"),
                 "-o", str(cnn_file / "bad.esm"), *args)
    assert result.exit_code != 0
    assert message in " ".join((result.stdout + result.stderr).split())


def test_op_without_fixed_kernel_is_refused(tmp_path):
    keras = keras_or_skip()
    from keras import layers

    model = keras.Sequential([keras.Input((4, 2)), layers.LSTM(3), layers.Dense(2)])
    model.save(tmp_path / "recurrent.keras")
    np.save(tmp_path / "calib.npy", np.zeros((4, 4, 2), np.float32))
    result = run("quantize", str(tmp_path / "recurrent.keras"), "--calib",
                 str(tmp_path / "calib.npy"), "-o", str(tmp_path / "q.esm"), "--scheme", "fixed")
    assert result.exit_code == 2
    text = " ".join(result.stderr.split())
    assert "(lstm" in text and "has no fixed-point kernel" in text
