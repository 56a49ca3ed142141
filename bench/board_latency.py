"""Instructions per inference on emulated Cortex-M boards, and firmware size per board.

For the four MLPerf Tiny int8 models: the exact number of instructions one
``<model>_invoke()`` executes under QEMU (counted by edgesmith's TCG plugin)
on the M4, M7 and M33 boards, instructions per MAC, and the time that implies
at the NUCLEO-L4R5ZI's 120 MHz with CPI 1, beside the MLPerf Tiny published
latencies on that board for scale. Then flash and RAM of the firmware
(model, kernels, harness) on every board, or why it does not fit.

Run: python -m bench.board_latency
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from bench.common import MLPERF_INT8, SHARED_MODELS, markdown_table, publish

EMULATED = ("mps2-an386", "mps2-an500", "mps2-an505")
# MLPerf Tiny published latencies on the NUCLEO-L4R5ZI at 120 MHz (ms):
# best submission, and TFLM with CMSIS-NN.
PUBLISHED_MS = {"vww_96_int8": (88.9, 600.6), "kws_ref_model": (43.2, 181.9),
                "pretrainedResnet_quant": (165.1, 704.2), "ad01_int8": (4.05, 10.05)}
L4R5_HZ = 120e6


def latency_table(graphs) -> str:
    from edgesmith.boards.latency import measure_latency
    from edgesmith.boards.registry import get_board

    rows = []
    for name, graph in graphs.items():
        counts = {b: measure_latency(graph, get_board(b), per_layer=False) for b in EMULATED}
        m4 = counts["mps2-an386"]
        best, tflm = PUBLISHED_MS[name]
        rows.append([name, f"{m4.macs:,}"]
                    + [f"{counts[b].instructions:,}" for b in EMULATED]
                    + [f"{m4.instructions_per_mac:.1f}",
                       f"{m4.instructions / L4R5_HZ * 1e3:.1f}", f"{best}", f"{tflm}"])
        print(rows[-1])
    return markdown_table(
        ["model", "MACs", "instr. M4 (an386)", "instr. M7 (an500)", "instr. M33 (an505)",
         "instr./MAC (M4)", "M4 instr. at 120 MHz, CPI 1 (ms)",
         "MLPerf best on L4R5ZI (ms)", "MLPerf TFLM+CMSIS-NN (ms)"], rows)


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
             "branches move counts by a few instructions) with the portable reference kernels, "
             "arm-none-eabi-gcc -O2. The time column is instructions / 120 MHz assuming one "
             "cycle per instruction; real cores take more cycles per instruction (loads, flash "
             "wait states), so it is a lower bound, shown for scale only. The MLPerf columns "
             "are measured on hardware by their submitters with optimized kernels; optimized "
             "Cortex-M kernels are not part of edgesmith yet.")
    body += "\n\n" + size_table(graphs)
    body += ("\n\nFirmware = generated model + kernels + harness + startup, built for each "
             "board; flash = text + data, RAM = data + bss + stack (the model arena is in bss).")
    publish("board_latency", "Instructions per inference on emulated boards; firmware size per "
            "board", "python -m bench.board_latency", body)


if __name__ == "__main__":
    main()
