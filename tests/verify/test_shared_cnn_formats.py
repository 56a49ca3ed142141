"""The shared hls4ml CNN (conv2d -> relu -> reshape -> dense -> softmax) in every number
format, its generated C code bit-exact with the simulator: on the host (verify_host) for
fixed point (16, 8 and 6 bits, and hls4ml's uniform fixed<8,3>), power-of-two weights and
4-/2-bit affine; under QEMU on the default board for fixed, pow2 and 4-bit (slow).

The inputs hold seeded random samples like the calibration data and edge samples: all
zeros, constants and patterns far outside the calibrated range (the input format and the
layers saturate), single hot pixels, and the raw extremes of the input format."""

from __future__ import annotations

import numpy as np
import pytest
from edgesmith.frontends import load_model
from edgesmith.io.arrays import prepare_inputs
from edgesmith.ir import AffineFormat, FixedFormat, Graph, Pow2Format
from edgesmith.passes import run_pipeline
from edgesmith.quant import quantize_graph
from edgesmith.sim import simulate
from edgesmith.verify.host import verify_host

from tests.boards.helpers import needs_cross, needs_qemu
from tests.helpers.paths import HLS4ML_MODELS

MODEL = HLS4ML_MODELS / "KERAS_conv2d_model.json"
WEIGHTS = HLS4ML_MODELS / "KERAS_conv2d_model_weights.h5"
SHAPE = (8, 8, 1)
SCHEMES = {
    "fixed": {"scheme": "fixed"},
    "fixed-w8a8": {"scheme": "fixed", "weight_bits": 8, "act_bits": 8},
    "fixed-uniform8": {"scheme": "fixed", "precision": {"*": "fixed<8,3>"}},
    "fixed-w6a6": {"scheme": "fixed", "weight_bits": 6, "act_bits": 6},
    "pow2": {"scheme": "pow2"},
    "pow2-a8": {"scheme": "pow2", "act_bits": 8},
    "w4a4": {"scheme": "int8", "weight_bits": 4, "act_bits": 4},
    "w2a2": {"scheme": "int8", "weight_bits": 2, "act_bits": 2},
}


@pytest.fixture(scope="module")
def cnn() -> Graph:
    if not MODEL.is_file() or not WEIGHTS.is_file():
        pytest.skip(f"shared model {MODEL} is not present")
    return run_pipeline(load_model(MODEL, WEIGHTS))


def calibration(samples: int = 64, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).normal(0, 1, (samples,) + SHAPE).astype(np.float32)


def float_edges() -> np.ndarray:
    """Samples beyond anything the calibration showed, and degenerate ones."""
    rng = np.random.default_rng(7)
    hot = np.zeros((4,) + SHAPE, np.float32)
    hot[0, 0, 0], hot[1, 7, 7], hot[2, 3, 4], hot[3, 4, 3] = 50.0, -50.0, 1e4, -1e4
    checker = np.indices(SHAPE[:2]).sum(axis=0)[..., None] % 2 * 2.0 - 1.0
    return np.concatenate([
        np.zeros((1,) + SHAPE), np.full((1,) + SHAPE, 1e6), np.full((1,) + SHAPE, -1e6),
        np.full((1,) + SHAPE, 3.0), np.full((1,) + SHAPE, -3.0),
        (checker * 1e3)[None], (checker * -40.0)[None],
        rng.uniform(-100, 100, (6,) + SHAPE), rng.normal(0, 8, (6,) + SHAPE), hot,
    ]).astype(np.float32)


def raw_edges(graph: Graph) -> np.ndarray:
    """The input format's extremes, stored as the model stores them."""
    t = graph.tensors[graph.inputs[0]]
    lo, hi = t.fmt.qmin, t.fmt.qmax
    mixed = np.where(np.indices(SHAPE).sum(axis=0) % 2 == 0, lo, hi)
    return np.stack([np.full(SHAPE, lo), np.full(SHAPE, hi), mixed, lo + hi - mixed,
                     np.full(SHAPE, 0 if t.fmt.qmin <= 0 <= t.fmt.qmax else lo)]).astype(t.dtype)


def verification_inputs(graph: Graph) -> np.ndarray:
    random = prepare_inputs(graph, calibration(96, seed=1))[graph.inputs[0]]
    edges = prepare_inputs(graph, float_edges())[graph.inputs[0]]
    return np.concatenate([random, edges, raw_edges(graph)])


def quantized(cnn: Graph, name: str) -> Graph:
    return quantize_graph(cnn, calibration(), **SCHEMES[name])


def saturated_tensors(graph: Graph, batch: np.ndarray) -> set[str]:
    """Activations (inputs and op outputs) that reach an end of their range on ``batch``."""
    values = simulate(graph, batch, keep_intermediates=True)
    return {name for name, v in values.items() if not graph.tensors[name].is_const
            and graph.tensors[name].fmt is not None
            and (np.any(v == graph.tensors[name].fmt.qmin) or np.any(v == graph.tensors[name]
                                                                     .fmt.qmax))}


@pytest.mark.parametrize("name", list(SCHEMES))
def test_host_c_is_bit_exact(cnn, name):
    graph = quantized(cnn, name)
    batch = verification_inputs(graph)
    assert batch.shape[0] >= 120
    # the edge samples do push values to the ends of the ranges, past the softmax's input
    assert {graph.inputs[0], "dense_1/fully_connected"} <= saturated_tensors(graph, batch)
    report = verify_host(graph, batch, label=name)
    assert report.samples == batch.shape[0]
    assert report.mismatched_samples == 0, report.first_mismatch


def test_formats_of_each_scheme(cnn):
    """What each scheme gives the layers: softmax outputs get the function's fixed type."""
    fixed, fixed8, uniform = (quantized(cnn, n) for n in ("fixed", "fixed-w8a8",
                                                          "fixed-uniform8"))
    assert fixed.tensors["dense_1"].fmt == FixedFormat(16, 0, False, "RND", "SAT")
    assert fixed8.tensors["dense_1"].fmt == FixedFormat(8, 0, False, "RND", "SAT")
    assert uniform.tensors["dense_1"].fmt.describe() == "fixed<8,3,RND,SAT>"  # '*' wins
    pow2 = quantized(cnn, "pow2")
    assert isinstance(pow2.tensors[pow2.ops[0].inputs[1]].fmt, Pow2Format)
    assert pow2.tensors["dense_1"].fmt == FixedFormat(16, 0, False, "RND", "SAT")
    w2 = quantized(cnn, "w2a2")
    assert isinstance(w2.tensors["dense_1"].fmt, AffineFormat)
    assert w2.tensors[w2.ops[0].inputs[1]].fmt.bits == 2


def test_fixed_softmax_is_close_to_the_float_model(cnn):
    """Not only equal to itself: the 16-bit fixed model's probabilities follow the float's."""
    graph = quantized(cnn, "fixed")
    x = calibration(64, seed=3)
    ours = graph.tensors["dense_1"].fmt.dequantize(simulate(graph, prepare_inputs(graph, x))
                                                    ["dense_1"])
    theirs = simulate(cnn, x)["dense_1"]
    assert np.abs(ours - theirs).max() < 0.01


@pytest.mark.slow
@needs_cross
@needs_qemu
@pytest.mark.parametrize("name", ["fixed", "pow2", "w4a4"])
def test_qemu_firmware_is_bit_exact(cnn, name):
    from edgesmith.verify.qemu import verify_qemu

    graph = quantized(cnn, name)
    batch = verification_inputs(graph)
    report = verify_qemu(graph, {graph.inputs[0]: batch}, board="mps2-an386", label=name)
    assert report.samples == batch.shape[0]
    assert report.mismatched_samples == 0, report.first_mismatch
