"""int8 models with the edges published models keep: float32 or uint8 inputs and outputs,
QUANTIZE and DEQUANTIZE inside. Built by the TFLite converter from one small Keras CNN;
the simulator equals LiteRT's reference kernels and TFLite Micro, the generated C equals the
simulator on the host and (slow) on an emulated Cortex-M3 without FPU and Cortex-M4F,
through the CLI. Float outputs are compared exactly."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
from edgesmith.frontends.tflite import load_tflite
from edgesmith.sim import simulate
from edgesmith.verify.check import check_against_litert
from edgesmith.verify.host import verify_host
from edgesmith.verify.litert import run_litert
from edgesmith.verify.tflm import check_against_tflm

from tests.helpers.converter import full_int8_tflite

#: (input type, output type) of each converted model
EDGES = [("float32", "float32"), ("uint8", "float32"), ("int8", "uint8")]
SHAPE = (8, 8, 3)


@pytest.fixture(scope="module")
def models(tmp_path_factory):
    import tensorflow as tf

    tf.keras.utils.set_random_seed(0)
    keras_model = tf.keras.Sequential([
        tf.keras.Input(SHAPE), tf.keras.layers.Conv2D(4, 3, activation="relu"),
        tf.keras.layers.Flatten(), tf.keras.layers.Dense(5)])
    calibration = np.random.default_rng(0).normal(size=(32, *SHAPE)).astype(np.float32)
    folder = tmp_path_factory.mktemp("edges")
    return {io: full_int8_tflite(keras_model, calibration, folder / f"cnn_{io[0]}_{io[1]}.tflite",
                                 io) for io in EDGES}


def edge_inputs(path) -> np.ndarray:
    """Extremes, the zero point, values that round at .5 in the model's own QUANTIZE (its
    input's scale), and random samples, in the model input's type."""
    graph = load_tflite(path)
    name = graph.inputs[0]
    t = graph.tensors[name]
    rng = np.random.default_rng(1)
    if t.dtype == "float32":
        quantize = graph.consumers(name)[0]
        scale, zp = graph.tensors[quantize.outputs[0]].fmt.scalar()
        s = np.float32(scale)
        ties = (np.arange(-130, 130, dtype=np.float32) - np.float32(zp) + np.float32(0.5)) * s
        flat = np.concatenate([ties, np.nextafter(ties, np.float32(0)),
                               np.array([0.0, -0.0, 1e30, -1e30], np.float32)])
        edge = np.resize(flat, (4, *SHAPE))
        edge[0], edge[1] = np.float32(1e30), np.float32(-1e30)
        rand = rng.normal(size=(12, *SHAPE)).astype(np.float32)
    else:
        lo, hi = (0, 255) if t.dtype == "uint8" else (-128, 127)
        edge = np.resize(np.arange(lo, hi + 1), (4, *SHAPE)).astype(t.dtype)
        edge[0], edge[1] = lo, hi
        edge[2] = t.fmt.scalar()[1]  # the zero point: real 0
        rand = rng.integers(lo, hi + 1, size=(12, *SHAPE)).astype(t.dtype)
    return np.concatenate([edge, rand])


def test_the_converter_keeps_the_edges(models):
    for (src, dst), path in models.items():
        graph = load_tflite(path)
        assert [graph.tensors[n].dtype for n in graph.inputs + graph.outputs] == [src, dst]
        assert graph.is_quantized()
        ops = [op.type for op in graph.ops]
        assert (ops[0] == "quantize") == (src != "int8") and (ops[-1] != "fully_connected") \
            == (dst != "int8")


@pytest.mark.parametrize("io", EDGES, ids="-".join)
def test_simulator_equals_litert_exactly(models, io):
    path = models[io]
    graph = load_tflite(path)
    x = edge_inputs(path)
    ours = simulate(graph, x)[graph.outputs[0]]
    (theirs,) = run_litert(path, [x]).outputs
    assert ours.dtype == theirs.dtype == np.dtype(io[1]) and len(ours) == 16
    np.testing.assert_array_equal(ours.reshape(theirs.shape), theirs)
    report = check_against_litert(path, samples=24, inputs=x)
    assert report.samples == 40 and report.mismatched_samples == 0, report.first_mismatch


@pytest.mark.parametrize("io", EDGES, ids="-".join)
def test_simulator_equals_tflite_micro(models, io):
    pytest.importorskip("tflite_micro")
    report = check_against_tflm(models[io], samples=8, inputs=edge_inputs(models[io]))
    assert report.samples == 24 and report.mismatched_samples == 0, report.first_mismatch


@pytest.mark.parametrize("io", EDGES, ids="-".join)
def test_generated_c_on_the_host_equals_the_simulator(models, io):
    graph = load_tflite(models[io])
    x = edge_inputs(models[io])
    report = verify_host(graph, x)
    assert report.samples == 16 and report.mismatched_samples == 0, report.first_mismatch


def test_the_header_declares_each_port_in_its_type(models, tmp_path):
    proc = _cli("generate", "c", models[("uint8", "float32")], "-o", tmp_path / "m", "--name", "m")
    assert proc.returncode == 0, proc.stderr
    header = (tmp_path / "m" / "m.h").read_text()
    assert "es_status m_run(const uint8_t *in0, float *out0);" in header
    assert "#define M_OUTPUT0_TYPE float" in header and "M_OUTPUT0_ZERO_POINT" not in header


def test_quantize_says_to_use_the_model_as_it_is(models, tmp_path):
    np.save(tmp_path / "calib.npy", np.zeros((2, *SHAPE), np.float32))
    out = tmp_path / "m.esm"
    proc = _cli("quantize", models[("float32", "float32")], "--calib", tmp_path / "calib.npy",
                "-o", out)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert "already quantized" in proc.stderr and "edgesmith verify" in proc.stderr
    assert not out.exists()


@pytest.mark.slow
@pytest.mark.parametrize("board", ["mps2-an385", "mps2-an386"])  # Cortex-M3 soft float, M4F
@pytest.mark.parametrize("io", [("float32", "float32"), ("uint8", "float32")], ids="-".join)
def test_firmware_under_qemu_equals_the_simulator(models, io, board, tmp_path):
    np.save(tmp_path / "x.npy", edge_inputs(models[io]))
    proc = _cli("verify", models[io], "--target", f"qemu:{board}", "--inputs",
                tmp_path / "x.npy", "--samples", "8")
    assert proc.returncode == 0, proc.stderr + proc.stdout
    assert "24 samples, 0 mismatched" in proc.stdout


def _cli(*args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "edgesmith.cli", *map(str, args)],
                          capture_output=True, text=True, timeout=600, check=False)
