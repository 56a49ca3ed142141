"""transpose (TFLite TRANSPOSE, Keras Permute): the simulator against LiteRT's reference
kernels on converter-built models; the generated C (the op lowered to a strided gather)
against the simulator, int8 and fixed point; the walk derivation itself."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from edgesmith.frontends import load_model
from edgesmith.ir import verify_graph
from edgesmith.ir.ops.movement import strided_walk, walk_gather
from edgesmith.passes.lowering import lower
from edgesmith.quant import quantize_graph
from edgesmith.sim import simulate
from edgesmith.verify.check import check_against_litert
from edgesmith.verify.host import verify_host

from tests.helpers.converter import edge_int8, full_int8_tflite, tflite_ops
from tests.helpers.keras_check import keras_or_skip, randomize


def _transpose(x, a):
    return np.transpose(x, a["perm"])


@pytest.mark.parametrize("shape", [(1, 2, 3, 4), (1, 5, 1, 3), (1, 2, 3, 4, 5)])
def test_every_permutation_is_one_strided_walk(shape):
    rng = np.random.default_rng(0)
    perms = [(0, *p) for p in itertools.permutations(range(1, len(shape)))]
    for perm in perms:
        walk = strided_walk(_transpose, shape, {"perm": perm})
        assert walk is not None and len(walk.dims) <= 6
        x = rng.integers(-128, 128, size=(3, *shape[1:]), dtype=np.int8)
        out_shape = np.transpose(np.empty(shape), perm).shape
        np.testing.assert_array_equal(walk_gather(x, walk, out_shape), _transpose(x, {"perm": perm}))


def test_a_map_that_is_no_walk_is_refused():
    def shuffle(x, a):
        flat = x.reshape(x.shape[0], -1)
        return flat[:, [2, 0, 3, 1]].reshape(x.shape)
    assert strided_walk(shuffle, (1, 4), {}) is None


def _permute_model(shape, dims, seed=0):
    keras = keras_or_skip()
    inp = keras.Input(shape, batch_size=1)  # a static batch: Flatten stays one RESHAPE
    y = keras.layers.Conv2D(3, 3, padding="same")(inp) if len(shape) == 3 else inp
    y = keras.layers.Permute(dims)(y)
    y = keras.layers.Dense(4)(keras.layers.Flatten()(y))
    return randomize(keras.Model(inp, y), seed)


CASES = [((6, 5, 2), (2, 1, 3)), ((6, 5, 2), (3, 1, 2)), ((4, 7), (2, 1))]


@pytest.fixture(scope="module", params=CASES, ids=lambda c: f"{c[0]}-{c[1]}")
def int8_model(request, tmp_path_factory):
    shape, dims = request.param
    model = _permute_model(shape, dims)
    calib = np.random.default_rng(1).normal(size=(32, *shape)).astype(np.float32)
    path = full_int8_tflite(model, calib, tmp_path_factory.mktemp("transpose") / "m.tflite")
    assert "TRANSPOSE" in tflite_ops(path)
    return path, shape


def test_simulator_equals_litert(int8_model):
    path, shape = int8_model
    report = check_against_litert(path, samples=64, inputs=edge_int8(shape))
    assert report.samples == 80 and report.mismatched_samples == 0, report.first_mismatch


def test_generated_c_equals_the_simulator(int8_model):
    path, shape = int8_model
    graph = load_model(path)
    assert "transpose" in [op.type for op in graph.ops]
    lowered = lower(graph, {"conv2d", "fully_connected", "reshape"})
    verify_graph(lowered)
    assert "gather" in [op.type for op in lowered.ops]
    x = edge_int8(shape, samples=24)
    np.testing.assert_array_equal(simulate(lowered, x)[lowered.outputs[0]],
                                  simulate(graph, x)[graph.outputs[0]])
    report = verify_host(graph, x)
    assert report.samples == 24 and report.ok, report.first_mismatch


@pytest.fixture(scope="module")
def fixed_model():
    shape, dims = (6, 5, 2), (2, 3, 1)
    model = _permute_model(shape, dims, seed=3)
    graph = load_model(model)
    x = np.random.default_rng(2).normal(size=(16, *shape)).astype(np.float32)
    got = simulate(graph, x)[graph.outputs[0]]
    np.testing.assert_allclose(got, model.predict(x, verbose=0), rtol=1e-4, atol=1e-5)
    q = quantize_graph(graph, x, scheme="fixed")
    assert "transpose" in [op.type for op in q.ops]
    t = q.tensors[q.inputs[0]]
    raw = np.random.default_rng(4).integers(t.fmt.qmin, t.fmt.qmax + 1, size=(20, *shape))
    raw[0], raw[1] = t.fmt.qmin, t.fmt.qmax  # the extremes of the input type
    return q, {q.inputs[0]: raw.astype(t.dtype)}


def test_keras_permute_runs_fixed_point_c(fixed_model):
    q, batch = fixed_model
    report = verify_host(q, batch)
    assert report.samples == 20 and report.ok, report.first_mismatch


@pytest.mark.parametrize("io", ["parallel", "stream"])
def test_keras_permute_runs_hls_csim(fixed_model, io):
    from edgesmith.verify.csim import verify_csim

    q, batch = fixed_model
    report, _ = verify_csim(q, batch, part="xc7z020clg400-1", clock_ns=10, io=io)
    assert report.samples == 20 and report.ok, report.first_mismatch


@pytest.mark.slow
def test_firmware_on_the_emulated_m4_equals_the_simulator(int8_model):
    from edgesmith.verify.qemu import verify_qemu

    path, shape = int8_model
    graph = load_model(path)
    report = verify_qemu(graph, {graph.inputs[0]: edge_int8(shape, samples=12)},
                         board="mps2-an386")
    assert report.samples == 12 and report.ok, report.first_mismatch
