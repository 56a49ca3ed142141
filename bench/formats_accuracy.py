"""Accuracy, weight bytes and BitOPs of edgesmith's number formats after post-training
quantization: float, int8, fixed<16,6> (one type everywhere, as hls4ml's default), the
narrowest calibrated fixed-point width within 1 point of float, power-of-two weights, and
4- and 2-bit weights.

Models: the CNN on MNIST-5k and the MLP on scikit-learn digits of bench/ptq_accuracy.py
(same splits, training and calibration), and hls4ml's jet-tagging MLP (KERAS_3layer), whose
data set does not ship: for it the table gives fidelity, the share of 2,000 random normal
inputs on which the quantized model's argmax equals the float model's.

The quantized graphs end in logits: a final softmax (no fixed-point kernel; the argmax does
not change) is removed before quantizing, for every format alike. Every quantized model runs
on the golden simulator.

Run: python -m bench.formats_accuracy
"""

from __future__ import annotations

import os
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402

from bench.common import SHARED_MODELS, markdown_table, publish  # noqa: E402
from bench.ptq_accuracy import CALIB, digits_split, mlp, mnist_split, small_cnn, train  # noqa: E402

WITHIN_POINTS = 1.0
NARROW_WIDTHS = range(16, 3, -1)
JET_SAMPLES = 2000


def without_final_softmax(graph):
    """The graph up to its logits: a last softmax op removed."""
    last = graph.ops[-1]
    if last.type != "softmax" or graph.outputs != last.outputs:
        return graph
    logits = graph.copy()
    logits.ops.pop()
    logits.outputs = [last.inputs[0]]
    logits.remove_unused_tensors()
    return logits


def predictions(graph, x) -> np.ndarray:
    from edgesmith.io.arrays import prepare_inputs
    from edgesmith.sim import simulate

    out = simulate(graph, prepare_inputs(graph, x))[graph.outputs[0]]
    return np.argmax(out.reshape(len(x), -1), axis=1)


def weight_bytes_at_width(graph) -> int:
    """Bytes of the constants at their formats' widths (4 per float): flash of a packed
    store. The C runtime keeps fixed-point constants in int32, 4 bytes each."""
    return sum(-(-t.size * (32 if t.fmt is None else t.fmt.bits) // 8)
               for t in graph.const_tensors())


def variants(graph, calib, score):
    """(label, quantized graph or None for float) for every format, the narrow search included."""
    from edgesmith.quant import quantize_graph

    yield "float32", graph
    yield "int8 (w8a8)", quantize_graph(graph, calib)
    yield "fixed<16,6> everywhere", quantize_graph(graph, calib, scheme="fixed",
                                                   precision={"*": "fixed<16,6>"})
    yield "fixed, W=16 calibrated", quantize_graph(graph, calib, scheme="fixed")
    reference = score(graph)
    narrowest = None
    for width in NARROW_WIDTHS:
        q = quantize_graph(graph, calib, scheme="fixed", act_bits=width, weight_bits=width)
        if score(q) >= reference - WITHIN_POINTS:
            narrowest = (width, q)
    if narrowest:
        yield f"fixed, narrowest within {WITHIN_POINTS:g} pt: W={narrowest[0]}", narrowest[1]
    yield "pow2 weights (4-bit codes), fixed<16> act.", quantize_graph(graph, calib,
                                                                        scheme="pow2")
    yield "4-bit weights, int8 act.", quantize_graph(graph, calib, weight_bits=4)
    yield "2-bit weights, int8 act.", quantize_graph(graph, calib, weight_bits=2)


def evaluate(label: str, graph, calib, score) -> list[list]:
    from edgesmith.report.metrics import total_bitops

    rows, base = [], None
    for name, q in variants(graph, calib, score):
        value = score(q)
        base = value if base is None else base
        rows.append([label, name, f"{value:.2f}", f"{value - base:+.2f}",
                     f"{weight_bytes_at_width(q):,}", f"{total_bitops(q) / 1e6:,.1f}"])
        print(rows[-1], flush=True)
    return rows


def trained_case(build, split, epochs):
    from edgesmith.frontends import load_model
    from edgesmith.passes import run_pipeline

    xtr, ytr, xte, yte = split()
    model = train(build(), xtr, ytr, epochs)
    graph = without_final_softmax(run_pipeline(load_model(model)))
    return graph, xtr[:CALIB], lambda g: float(np.mean(predictions(g, xte) == yte)) * 100


def jet_case():
    from edgesmith.frontends import load_model
    from edgesmith.passes import run_pipeline

    folder = SHARED_MODELS / "hls4ml"
    graph = without_final_softmax(run_pipeline(load_model(
        folder / "KERAS_3layer.json", weights=folder / "KERAS_3layer_weights.h5")))
    rng = np.random.default_rng(0)
    calib = rng.normal(size=(CALIB, 16)).astype(np.float32)
    x = rng.normal(size=(JET_SAMPLES, 16)).astype(np.float32)
    reference = predictions(graph, x)
    return graph, calib, lambda g: float(np.mean(predictions(g, x) == reference)) * 100


def main() -> None:
    t0 = time.perf_counter()
    rows = []
    rows += evaluate("CNN, MNIST-5k (accuracy %)", *trained_case(small_cnn, mnist_split, 12))
    rows += evaluate("MLP 64-32-10, digits (accuracy %)",
                     *trained_case(lambda: mlp(64), digits_split, 60))
    rows += evaluate("hls4ml jet MLP (fidelity %)", *jet_case())
    body = markdown_table(["model", "format", "score", "vs float (points)", "weight bytes",
                           "MBitOPs"], rows)
    body += (
        f"\n\nScore: test accuracy (MNIST: 1,000 held-out images; digits: 397), or for the jet "
        f"MLP the share of {JET_SAMPLES:,} random normal inputs whose argmax equals the float "
        f"model's. Calibration: {CALIB} samples (the first of the training split; random "
        "normal for the jet MLP). Weight bytes: weights and biases at their formats' widths "
        "(a packed store; the C runtime keeps fixed-point constants in int32). BitOPs: "
        "MACs x weight bits x input activation bits (float: 32 x 32). The narrowest fixed "
        f"type is the smallest W in {NARROW_WIDTHS.start}..{NARROW_WIDTHS.stop + 1} (weights "
        f"and activations alike, I per tensor from calibration, RND/SAT) scoring within "
        f"{WITHIN_POINTS:g} point of float. Run time {time.perf_counter() - t0:.0f} s.")
    publish("formats_accuracy", "Number formats beyond int8: accuracy, weight bytes, BitOPs",
            "python -m bench.formats_accuracy", body)


if __name__ == "__main__":
    main()
