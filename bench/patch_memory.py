"""Patch-based inference (MCUNetV2): peak SRAM layer-based vs patch-based, and the halo's cost.

For three int8 models, layer-based and patch-based side by side, in one run:

* planner peak: ``PatchPlan.peak_bytes`` / ``layer_based_peak_bytes`` (one static
  arena, input and output inside, in-place ops as the planner allows them,
  depthwise convs included);
* generated code: the arena of the C code ``edgesmith generate c [--patch]``
  writes (``<NAME>_ARENA_SIZE``; input and output inside; depthwise convs in
  place as the planner runs them, crop and tile buffers of the patch stage
  included);
* firmware: ``.bss`` of the harness firmware for the emulated Cortex-M4 board
  mps2-an386 (the arena plus the harness's few variables);
* instructions of one inference under QEMU (mps2-an386, edgesmith's TCG
  counting plugin, one random input), whose outputs are also compared with the
  simulator bit for bit.

Models: MobileNetV2 width 0.35 at 144x144 built in Keras with random weights
(calibrated on 32 random images, without its final softmax: with random
weights the logits' scale is too small for the int8 softmax), the MLPerf Tiny
VWW model and TFLM's person_detect.

Run: python -m bench.patch_memory
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np

from bench.common import SHARED_MODELS, markdown_table, publish

BOARD = "mps2-an386"
MAX_EXTRA_MACS = 10.0
#: goals: (peak in bytes, or as a fraction of layer-based; extra-MAC limit in percent)
GOALS = {"mobilenetv2_035_144": (96 * 1024, MAX_EXTRA_MACS), "vww_96_int8": (0.75, None),
         "person_detect": (0.5, None)}


def mobilenet_v2():
    """MobileNetV2 0.35 at 144x144, random weights, int8, without the final softmax."""
    from edgesmith.frontends.keras import import_keras

    keras = import_keras()  # first: OR-tools must load before TensorFlow
    from edgesmith.frontends import load_model
    from edgesmith.passes import run_pipeline
    from edgesmith.quant import quantize_graph

    keras.utils.set_random_seed(0)
    model = keras.applications.MobileNetV2(input_shape=(144, 144, 3), alpha=0.35, weights=None,
                                           include_top=True, classes=1000)
    graph = run_pipeline(load_model(model))  # FoldPad folds ZeroPadding2D into the convs
    calib = np.random.default_rng(0).uniform(-1, 1, (32, 144, 144, 3)).astype(np.float32)
    graph = quantize_graph(graph, calib)
    assert graph.ops[-1].type == "softmax"
    graph.ops.pop()  # the logits' scale is too small for int8 softmax parameters
    graph.outputs = [graph.ops[-1].outputs[0]]
    graph.remove_unused_tensors()
    return graph


def best_plan_for_code(graph, max_extra_macs: float | None):
    """The patch plan whose generated code needs the least RAM within the MAC limit (the
    planner's search minimises its own peak, which has no crop or tile buffers).

    The code's arena is never below a candidate's planner bound (the code's memory graph
    only adds buffers and in-place restrictions), so candidates go in order of that bound.
    """
    from edgesmith.codegen.c_patch_plan import c_patch_layout, plan_c_patch_arena
    from edgesmith.errors import UnsupportedError
    from edgesmith.memory.patch import finish_plan, layer_based_peak, patch_candidate
    from edgesmith.memory.patch_search import DEFAULT_GRIDS
    from edgesmith.memory.patch_windows import split_points
    from edgesmith.report.metrics import total_macs

    macs, candidates = total_macs(graph), []
    for split in split_points(graph):
        _, height, width, _ = graph.tensors[graph.ops[split].outputs[0]].shape
        for grid in (g for g in DEFAULT_GRIDS if g <= min(height, width)):
            try:
                cand = patch_candidate(graph, split, grid)
            except UnsupportedError:
                continue
            if max_extra_macs is None or 100.0 * cand.extra_macs / macs <= max_extra_macs:
                candidates.append(cand)
    layer_based, best = layer_based_peak(graph), None
    for cand in sorted(candidates, key=lambda c: (c.bound_bytes, c.extra_macs)):
        if best is not None and cand.bound_bytes > best[0][0]:
            break
        plan = finish_plan(graph, cand, layer_based, time_limit_s=2)
        ram = plan_c_patch_arena(c_patch_layout(graph, plan), time_limit_s=2).ram_bytes
        if best is None or (ram, plan.extra_macs) < best[0]:
            best = ((ram, plan.extra_macs), plan)
    return best[1]


def plans(graph) -> dict:
    """The plans to measure by label; a plan chosen twice gets both labels."""
    from edgesmith.memory.patch_search import search_patch_plan

    limit = f"<= {MAX_EXTRA_MACS:g}% MACs"
    chosen = {f"planner's best {limit}": search_patch_plan(graph, max_extra_macs_pct=MAX_EXTRA_MACS),
              "planner's lowest peak": search_patch_plan(graph),
              f"code's best {limit}": best_plan_for_code(graph, MAX_EXTRA_MACS),
              "code's lowest arena": best_plan_for_code(graph, None)}
    merged: dict[tuple, tuple[list[str], object]] = {}
    for label, plan in chosen.items():
        merged.setdefault((plan.split, plan.grid), ([], plan))[0].append(label)
    return {"patches, " + "; ".join(labels): plan for labels, plan in merged.values()}


def measure(name: str, graph, folder: Path) -> list[list[str]]:
    from edgesmith.boards.build import cached_firmware
    from edgesmith.boards.latency import measure_latency
    from edgesmith.boards.qemu import run_graph
    from edgesmith.boards.registry import get_board
    from edgesmith.codegen import generate_c
    from edgesmith.codegen.c_patch import generate_patched_c
    from edgesmith.report.metrics import total_macs
    from edgesmith.sim import simulate
    from edgesmith.sim.inputs import random_inputs

    board = get_board(BOARD)
    x = random_inputs(graph, 1, seed=0)
    expected = simulate(graph, x)
    layer_code = generate_c(graph, folder / f"{name}-layer").model.plan.ram_bytes
    layer_fw = cached_firmware(graph, board).sizes.bss
    layer_instr = measure_latency(graph, board, per_layer=False).instructions
    chosen = plans(graph)
    planner_layer = next(iter(chosen.values())).layer_based_peak_bytes
    rows = [[name, "layer-based", "-", f"{planner_layer:,}", f"{layer_code:,}",
             f"{layer_fw:,}", "-", f"{layer_instr:,}", "-"]]
    print(rows[-1], flush=True)
    for label, plan in chosen.items():
        gen = generate_patched_c(graph, plan, folder / f"{name}-{plan.split}-{plan.grid}")
        bss = cached_firmware(None, board, model_dir=gen.folder).sizes.bss
        outputs, run = run_graph(graph, board, x, count_instructions=True,
                                 model_dir=gen.folder)
        for out in graph.outputs:  # patching must not change a bit
            np.testing.assert_array_equal(outputs[out], expected[out])
        instr = max(run.instructions.per_sample)
        ram = gen.model.plan.ram_bytes
        rows.append([name, label, f"{plan.split}:{plan.grid}",
                     f"{plan.peak_bytes:,} ({plan.peak_bytes / planner_layer:.2f}x)",
                     f"{ram:,} ({ram / layer_code:.2f}x)",
                     f"{bss:,} ({bss / layer_fw:.2f}x)",
                     f"{plan.extra_macs_pct:.1f}%",
                     f"{instr:,} ({instr / layer_instr:.2f}x)", _goal(name, plan, ram,
                                                                    layer_code)])
        print(rows[-1], flush=True)
    print(f"{name}: {total_macs(graph):,} MACs", flush=True)
    return rows


def _goal(name: str, plan, code_ram: int, layer_code: int) -> str:
    """Whether the planner's peak and the generated code's arena meet the model's goal."""
    goal, max_extra_macs = GOALS[name]
    macs_ok = max_extra_macs is None or plan.extra_macs_pct <= max_extra_macs

    def meets(ram: int, layer: int) -> str:
        ok = ram <= goal if goal > 1 else ram <= goal * layer
        return "yes" if ok and macs_ok else "no"

    return (f"planner {meets(plan.peak_bytes, plan.layer_based_peak_bytes)}, "
            f"code {meets(code_ram, layer_code)}")


def main() -> None:
    from edgesmith.frontends.tflite import load_tflite

    models = {"mobilenetv2_035_144": mobilenet_v2,
              "vww_96_int8": lambda: load_tflite(SHARED_MODELS / "mlperf_tiny/vww_96_int8.tflite"),
              "person_detect": lambda: load_tflite(SHARED_MODELS / "tflm/person_detect.tflite")}
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for name, load in models.items():
            rows += measure(name, load(), Path(tmp))
    body = markdown_table(
        ["model", "execution", "split:grid", "planner peak (B)", "generated code arena (B)",
         f"firmware .bss on {BOARD} (B)", "extra MACs", f"instructions / inference ({BOARD})",
         "goal met"], rows)
    body += NOTES
    publish("patch_memory", "Patch-based inference (MCUNetV2): peak SRAM and the cost of the halo",
            "python -m bench.patch_memory", body)


NOTES = """

All sizes include the model input (and output), which live in the arena. Goals: MobileNetV2
at most 96 KiB (98,304 B) with at most 10% extra MACs (TinyEngine's layer-based figure for
this model is 295 kB and TFLite Micro runs out of memory, as reported by MCUNetV2); VWW at
most 0.75x of layer-based; person_detect at most 0.5x. "planner's best" is
`edgesmith plan --patch auto --max-extra-macs 10`, "lowest peak" is `--patch auto`;
"code's best" searches every split and grid for the smallest generated arena instead.

MobileNetV2 has random weights (Keras `weights=None`, seed 0), int8 from 32 random
calibration images, and no final softmax: with random weights the logits' scale is too
small for the int8 softmax, which the simulator refuses. Its ZeroPadding2D layers are
folded into the convs (FoldPad).

The planner and the generated code differ only where the C kernels take contiguous
buffers: the patch stage copies an input window into a crop buffer where a stage op reads
part of a buffer, and writes the split tile into a tile buffer. Both run depthwise convs in
place, TinyEngine-style (`es_depthwise_conv2d_s8_inplace`: channel by channel through a
scratch buffer of one output channel). On VWW the input crop adds 560 B and 592 B to the
peak. On MobileNetV2 the generated code reaches the planner's 82,944 B for 5:6 (5.7% extra
MACs), within the 96 KiB goal; with the out-of-place depthwise kernel it needed 134,784 B
(block 2's depthwise conv in the layer-based rest, 36x36x48 in and out beside the 36x36x8
residual input), and 311,040 B layer-based instead of 290,304 B.
"goal met" reads the goal (size and MAC limit) against the planner's peak and the generated
code's arena. The `.bss` is the arena plus 16 bytes of harness variables.

Instructions are counted for one inference with the kernels the board gets (the fast set
on the M4, arm-none-eabi-gcc -O2); every patched run's outputs equal the simulator's bit for
bit. The halo costs more instructions than MACs: the recomputed layers are the first ones,
whose depthwise convs and few channels take the most instructions per MAC (ops 0..7 of VWW:
4.1 instructions per MAC, the rest 2.1, from the per-layer counts of the layer-based
firmware), and every patch adds kernel calls and window copies. The reference in-place
depthwise kernel adds one byte copy per output through its scratch (+0.06% instructions on
VWW layer-based against every depthwise conv out of place, `generate c --no-inplace`,
measured when the kernel was introduced); the fast one writes a 3x3 plane that one band of
its widened rows holds straight to its slots.
"""


if __name__ == "__main__":
    main()
