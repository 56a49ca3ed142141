"""Instructions per inference on emulated Cortex-M boards, and firmware size per board.

For the four MLPerf Tiny int8 models: the exact number of instructions one
``<model>_invoke()`` executes under QEMU (counted by edgesmith's TCG plugin)
with the reference kernels and with the fast kernels each board gets
(edgesmith.codegen.c_kernel_sets) on the M4, M7, M33 and M55 boards, on the M4
with each weight layout (int8, int16: edgesmith.codegen.c_layouts) and its flash, beside
TFLite Micro + CMSIS-NN counted the same way and the best published MLPerf
Tiny Cortex-M4 results (both measured outside the project, cited in the
table's note) and the goals of the fast-kernel issue; beside the M4 count the plugin's
estimate of its cycles (the TRM's timings, boards/qemu/es_m4_cycles.h). Then flash and RAM of
the firmware (model, kernels, harness) on every board, or why it does not fit.

Run: python -m bench.board_latency
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from bench.common import MLPERF_INT8, SHARED_MODELS, markdown_table, publish

M4 = "mps2-an386"
FAST_BOARDS = (M4, "mps2-an500", "mps2-an505", "mps3-an547")
#: TFLite Micro + CMSIS-NN (4ab83cc3), arm-none-eabi-gcc -O2, instructions per inference on
#: QEMU mps2-an386 with this project's counting plugin: measured outside the project
TFLM_CMSIS_NN = {"vww_96_int8": 24.10e6, "kws_ref_model": 7.70e6,
                 "pretrainedResnet_quant": 29.86e6, "ad01_int8": 0.583e6}
#: best MLPerf Tiny Cortex-M4 result (NUCLEO-L4R5ZI @ 120 MHz), Mcycles, and who reached it
MLPERF_M4_BEST = {"vww_96_int8": (10.67, "ST X-CUBE-AI 9.0, v1.2"),
                  "kws_ref_model": (5.18, "ST X-CUBE-AI 9.0, v1.2"),
                  "pretrainedResnet_quant": (19.82, "ST X-CUBE-AI 9.0, v1.2"),
                  "ad01_int8": (0.486, "Plumerai 2023.05, v1.1")}
#: goals of the fast-kernel issue: instructions per inference on the M4
M4_GOAL = {"vww_96_int8": 10.0e6, "kws_ref_model": 4.0e6, "pretrainedResnet_quant": 15.0e6,
           "ad01_int8": 0.37e6}


def reference_count(graph, board) -> int:
    """Instructions per inference with the reference kernels (the readable specification)."""
    from edgesmith.boards.latency import measure_latency
    from edgesmith.codegen import generate_c

    with tempfile.TemporaryDirectory() as tmp:
        folder = generate_c(graph, Path(tmp) / "model", kernel_set="reference").folder
        return measure_latency(graph, board, per_layer=False, model_dir=folder).instructions


def latency_table(graphs) -> str:
    from edgesmith.boards.latency import measure_latency
    from edgesmith.boards.registry import get_board

    def mega(n: float) -> str:
        return f"{n / 1e6:.2f} M"

    rows = []
    for name, graph in graphs.items():
        counts = {b: measure_latency(graph, get_board(b), per_layer=False) for b in FAST_BOARDS}
        m4 = counts[M4]
        best, who = MLPERF_M4_BEST[name]
        rows.append([name, f"{m4.macs:,}", mega(reference_count(graph, get_board(M4)))]
                    + [mega(counts[b].instructions) for b in FAST_BOARDS]
                    + [f"{m4.instructions_per_mac:.2f}", mega(m4.estimated_m4_cycles),
                       mega(TFLM_CMSIS_NN[name]),
                       f"{best} Mcyc ({who})", mega(M4_GOAL[name]),
                       f"{m4.instructions / M4_GOAL[name]:.2f}x"])
        print(rows[-1])
    return markdown_table(
        ["model", "MACs", "M4 reference kernels", "M4 (an386)", "M7 (an500)", "M33 (an505)",
         "M55 (an547)", "instr./MAC (M4)", "M4 cycles (estimate)", "TFLM + CMSIS-NN, M4",
         "MLPerf best M4",
         "goal (M4)", "M4 / goal"], rows)


def layout_run(graph, board, optimize: str) -> tuple[int, int, int, int]:
    """(instructions, weight flash bytes, int16 layers, conv/dense layers) with the fast
    kernels and ``--optimize optimize``."""
    from edgesmith.boards.latency import measure_latency
    from edgesmith.codegen import generate_c

    with tempfile.TemporaryDirectory() as tmp:
        result = generate_c(graph, Path(tmp) / "model", optimize=optimize)
        wide = sum(x.layout == "int16" for x in result.model.layouts)
        count = measure_latency(graph, board, per_layer=False,
                                model_dir=result.folder).instructions
        return count, result.model.weights_bytes, wide, len(result.model.layouts)


#: the smallest-flash board the MLPerf models are checked against (512 KiB)
SMALL_BOARD = "nucleo-f411re"


def layout_table(graphs) -> str:
    """Per model on the M4: instructions and weight flash with int8 weights (--optimize size)
    and int16 weights laid out offline (--optimize speed), and the layouts the default gives
    the 512 KiB nucleo-f411re."""
    from edgesmith.boards.registry import get_board
    from edgesmith.codegen.options import CodeOptions

    small = get_board(SMALL_BOARD)
    rows = []
    for name, graph in graphs.items():
        size, size_bytes, _, layers = layout_run(graph, get_board(M4), "size")
        speed, speed_bytes, wide, _ = layout_run(graph, get_board(M4), "speed")
        fitted = CodeOptions().for_board(small).layouts(graph)
        rows.append([name, f"{size / 1e6:.2f} M", f"{size_bytes / 1024:.1f} KiB",
                     f"{speed / 1e6:.2f} M", f"{speed_bytes / 1024:.1f} KiB ({wide} of {layers})",
                     f"{size / speed:.2f}x",
                     f"{sum(x.layout == 'int16' for x in fitted)} of {len(fitted)} int16",
                     f"{M4_GOAL[name] / 1e6:.2f} M", f"{speed / M4_GOAL[name]:.2f}x"])
        print(rows[-1])
    return markdown_table(
        ["model (M4, fast kernels)", "int8 weights (size)", "weight flash",
         "int16 weights (speed)", "weight flash (int16 layers)", "size / speed",
         f"default on {SMALL_BOARD} (512 KiB)", "goal", "speed / goal"], rows)


#: op types shown apart in the per-layer table; the rest are summed as "other"
LAYER_KINDS = ("conv2d", "depthwise_conv2d", "fully_connected", "add")


def layer_table(graphs) -> str:
    """Per model on the M4 (fast kernels): instructions and instructions per MAC by op type,
    summed over the model's layers (the traced build's per-op counts)."""
    from edgesmith.boards.latency import measure_latency
    from edgesmith.boards.registry import get_board

    rows = []
    for name, graph in graphs.items():
        report = measure_latency(graph, get_board(M4), per_layer=True)
        sums = {kind: [0, 0] for kind in (*LAYER_KINDS, "other")}
        for layer in report.layers:
            kind = layer.type if layer.type in LAYER_KINDS else "other"
            sums[kind][0] += layer.instructions
            sums[kind][1] += layer.macs
        row = [name]
        for kind in (*LAYER_KINDS, "other"):
            count, macs = sums[kind]
            amount = f"{count / 1e6:.2f} M" if count >= 1e5 else f"{count / 1e3:.1f} k"
            row.append("-" if count == 0 else amount + (f" ({count / macs:.2f}/MAC)" if macs
                                                        else ""))
        rows.append(row)
        print(row)
    return markdown_table(["model (M4, fast kernels)", *LAYER_KINDS, "other"], rows)


def size_table(graphs) -> str:
    from edgesmith.boards.build import build_firmware
    from edgesmith.boards.registry import list_boards
    from edgesmith.errors import EdgesmithError

    boards = list_boards()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for name, graph in graphs.items():
            row = [name]
            for board in boards:
                try:
                    img = build_firmware(graph, board, Path(tmp) / f"{name}-{board.name}")
                    s = img.sizes
                    row.append(f"{s.flash / 1024:.1f} / {s.ram / 1024:.1f}")
                except EdgesmithError as exc:
                    row.append("does not fit" if "overflow" in str(exc) else "error")
            rows.append(row)
            print(row)
    return markdown_table(["model (flash KiB / RAM KiB)"] + [b.name for b in boards], rows)


def main() -> None:
    from edgesmith.frontends.tflite import load_tflite

    graphs = {name: load_tflite(SHARED_MODELS / rel) for name, rel in MLPERF_INT8.items()}
    body = latency_table(graphs)
    body += ("\n\nExact instruction counts of one inference (one random input; data-dependent "
             "branches move counts by a few instructions), arm-none-eabi-gcc -O2: with the "
             "reference kernels, then with the kernels each board gets (SMLAD loops on the "
             "M4, M7 and M33, Helium on the M55; `edgesmith generate c --kernels "
             "reference|fast|mve`); beside the M4 count the plugin's estimate of its cycles "
             "(the Cortex-M4 TRM's timings, boards/qemu/es_m4_cycles.h). "
             "Measured outside the project: TFLM + CMSIS-NN (TFLite Micro with CMSIS-NN "
             "4ab83cc3, same compiler, flags, emulator and counting plugin), and the best "
             "MLPerf Tiny Cortex-M4 results in cycles on a NUCLEO-L4R5ZI at 120 MHz "
             "(github.com/mlcommons/tiny_results_v1.1 and v1.2, closed division), which "
             "include flash wait states and need not be bit-exact with TFLite. The 2020 TFLM "
             "2.3.1 reference run (600.6 ms for VWW) is no CMSIS-NN anchor and is not shown.")
    body += ("\n\nWeight layouts on the M4 (`--optimize size|speed`; the table above takes "
             "each board's default, the fastest layout its flash holds: int16 everywhere on the "
             "emulated boards' 4 MiB). Weight flash = constant tensors and folded biases as "
             "generated; instructions of one inference as above:\n\n" + layout_table(graphs))
    body += ("\n\nPer op type on the M4 (instructions of the ES_TRACE build, summed over the "
             "layers of each type, and per MAC):\n\n" + layer_table(graphs))
    body += "\n\n" + size_table(graphs)
    body += ("\n\nFirmware = generated model + kernels + harness + startup, built for each "
             "board with its default weight layouts (the fastest its flash holds); flash = "
             "text + data, RAM = data + bss + stack (the model arena is in bss).")
    publish("board_latency", "Instructions per inference on emulated boards; firmware size per "
            "board", "python -m bench.board_latency", body)


if __name__ == "__main__":
    main()
