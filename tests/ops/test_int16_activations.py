"""int16 LOGISTIC, TANH and int16 -> int16 SOFTMAX (TFLite Micro's table-based kernels):
one-op models over every int16 code at several input scales, and a converter-built 16x8
model holding all three, against TFLite Micro bit for bit; the C kernels and the generated
C against the simulator."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from edgesmith.errors import UnsupportedError
from edgesmith.frontends.tflite import load_tflite
from edgesmith.sim import simulate
from edgesmith.verify.litert import run_litert
from edgesmith.verify.tflm import run_tflm

from tests.helpers.converter import edge_int16, full_int16x8_tflite, tflite_ops
from tests.ops.tflite_writer import T, single_op

pytest.importorskip("tflite_micro")

Q015 = 2.0 ** -15
#: input scales: the power-of-two ones TFLite special-cases (2^-12; 2^-11 for tanh only),
#: calibrated-looking ones, and the small and large ends of the rescaling loop
SIGMOID_SCALES = (2.0 ** -12, 2.0 ** -11, 0.000216608, 0.000167018, 1e-5, 0.3, 3.0)
#: every int16 code, 256 per sample (the table knots are every 2^9 / 2^8 rescaled units)
EVERY_CODE = np.arange(-32768, 32768, dtype=np.int32).astype(np.int16).reshape(-1, 256)


def _one_op(tmp_path: Path, op: str, scale: float, width: int, out_scale: float = Q015) -> Path:
    options = ("SoftmaxOptions", {"Beta": 1.0}) if op == "SOFTMAX" else None
    path = tmp_path / f"{op.lower()}_{scale:g}_{width}.tflite"
    path.write_bytes(single_op(op, [T((1, width), "int16", [scale], [0])],
                               [T((1, width), "int16", [out_scale], [0])], options))
    return path


def _softmax_rows(depth: int, samples: int = 48, seed: int = 0) -> np.ndarray:
    """Random rows, then rows at the extremes: all -32768, all 32767, all 0, one 32767 among
    -32768s, a ramp through 0, and near-ties."""
    rng = np.random.default_rng(seed)
    x = rng.integers(-32768, 32768, size=(samples, depth)).astype(np.int16)
    x[0], x[1], x[2] = -32768, 32767, 0
    if depth > 1:
        x[3], x[3, 0] = -32768, 32767
        x[4] = np.linspace(-300, 300, depth).astype(np.int16)
        x[5] = 32767 - rng.integers(0, 4, size=depth)
    return x


@pytest.mark.parametrize("op", ["LOGISTIC", "TANH"])
@pytest.mark.parametrize("scale", SIGMOID_SCALES)
def test_int16_logistic_and_tanh_equal_tflm_on_every_code(tmp_path, op, scale):
    path = _one_op(tmp_path, op, scale, 256)
    graph = load_tflite(path)
    ours = simulate(graph, EVERY_CODE)[graph.outputs[0]]
    assert ours.dtype == np.int16
    np.testing.assert_array_equal(ours, run_tflm(path, [EVERY_CODE])[0])
    # LiteRT's reference kernel is the same algorithm (its default one is not at 2^-12)
    np.testing.assert_array_equal(ours, run_litert(path, [EVERY_CODE]).outputs[0])
    assert len(np.unique(ours)) > 4  # not one saturated value


@pytest.mark.parametrize("depth", [1, 3, 10, 64, 300])
@pytest.mark.parametrize("scale", [0.000218, 1e-5, 0.001, 0.01, 2.0 ** -12, 0.3])
def test_int16_softmax_equals_tflm(tmp_path, depth, scale):
    path = _one_op(tmp_path, "SOFTMAX", scale, depth)
    graph = load_tflite(path)
    x = _softmax_rows(depth)
    ours = simulate(graph, x)[graph.outputs[0]]
    np.testing.assert_array_equal(ours, run_tflm(path, [x])[0])
    assert ours.min() >= 0 and (depth == 1 or len(np.unique(ours)) > 2)


def test_int16_formats_outside_tflms_are_refused(tmp_path):
    for op, out_scale in (("LOGISTIC", 1 / 256), ("TANH", 2.0 ** -14), ("SOFTMAX", 1 / 65536)):
        graph = load_tflite(_one_op(tmp_path, op, 0.001, 4, out_scale))
        with pytest.raises(UnsupportedError, match=r"output scale 1/32768"):
            simulate(graph, np.zeros((1, 4), np.int16))
    graph = load_tflite(_one_op(tmp_path, "LOGISTIC", 10.0, 4))
    with pytest.raises(UnsupportedError, match="too large"):
        simulate(graph, np.zeros((1, 4), np.int16))


def test_int16_table_kernels_in_c_equal_the_simulator(tmp_path):
    """es_logistic_s16, es_tanh_s16 (every code, every scale) and es_softmax_s16 on the
    same inputs as the simulator."""
    from edgesmith.codegen.c_params import kernel_params
    from tests.runtime.harness import runtime

    rt, checked = runtime(), 0
    cases = [(op, s, 256, EVERY_CODE) for op in ("LOGISTIC", "TANH") for s in SIGMOID_SCALES]
    cases += [("SOFTMAX", s, d, _softmax_rows(d)) for s in (0.000218, 0.3) for d in (1, 10, 300)]
    for op, scale, width, x in cases:
        graph = load_tflite(_one_op(tmp_path, op, scale, width))
        want = simulate(graph, x)[graph.outputs[0]]
        kp = kernel_params(graph.ops[0], graph)
        assert kp.kernel == f"es_{op.lower()}_s16"
        got = np.zeros_like(want)
        if op == "SOFTMAX":
            rt.ok(rt.lib.es_softmax_s16(rt.struct(kp.args["params"]), x.shape[0], width,
                                        rt.ptr("int16_t", x), rt.ptr("int16_t", got)))
        else:
            rt.ok(getattr(rt.lib, kp.kernel)(rt.struct(kp.args["params"]), x.size,
                                             rt.ptr("int16_t", x), rt.ptr("int16_t", got)))
        np.testing.assert_array_equal(got, want)
        checked += 1
    assert checked == 2 * len(SIGMOID_SCALES) + 6


def _chain_model():
    import tensorflow as tf

    return tf.keras.Sequential([
        tf.keras.Input((12,)),
        tf.keras.layers.Dense(16, activation="tanh", bias_initializer="random_normal"),
        tf.keras.layers.Dense(16, activation="sigmoid", bias_initializer="random_normal"),
        tf.keras.layers.Dense(10, bias_initializer="random_normal"),
        tf.keras.layers.Activation("softmax")])


@pytest.fixture(scope="module")
def chain(tmp_path_factory) -> Path:
    tf = pytest.importorskip("tensorflow")
    tf.keras.utils.set_random_seed(5)
    calibration = np.random.default_rng(2).normal(scale=2.0, size=(64, 12)).astype(np.float32)
    path = full_int16x8_tflite(_chain_model(), calibration,
                               tmp_path_factory.mktemp("int16_lut") / "chain.tflite")
    assert {"TANH", "LOGISTIC", "SOFTMAX"} <= set(tflite_ops(path))
    return path


def test_converter_built_16x8_activations_equal_tflm(chain):
    graph = load_tflite(chain)
    assert {op.type for op in graph.ops} >= {"tanh", "logistic", "softmax"}
    x = edge_int16((12,), samples=200)
    values = simulate(graph, x, keep_intermediates=True)
    np.testing.assert_array_equal(values[graph.outputs[0]], run_tflm(chain, [x])[0])
    for op in graph.ops:  # each activation saw a spread of inputs
        if op.type in ("tanh", "logistic", "softmax"):
            assert len(np.unique(values[op.inputs[0]])) > 500


def test_generated_c_of_the_16x8_activation_model_equals_the_simulator(chain):
    from edgesmith.verify.host import verify_host

    report = verify_host(load_tflite(chain), edge_int16((12,), samples=40))
    assert report.samples == 40 and report.mismatched_samples == 0


@pytest.mark.slow
def test_16x8_activation_model_on_the_emulated_m4_equals_the_simulator(chain):
    from edgesmith.verify.qemu import verify_qemu

    graph = load_tflite(chain)
    report = verify_qemu(graph, {graph.inputs[0]: edge_int16((12,), samples=8)},
                         board="mps2-an386")
    assert report.samples == 8 and report.ok, report.first_mismatch
