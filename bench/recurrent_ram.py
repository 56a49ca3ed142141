"""RAM of the recurrent and stateful models of TFLite Micro's tests beside TFLite Micro's arena.

edgesmith's RAM is the arena (inputs and outputs inside it) plus the state block that
persists across invocations (TFLite's variable tensors: an LSTM's hidden and cell states,
an SVDF's activation history). TFLite Micro's numbers are its allocation report for the
same file (head = tensor arena, total = head + persistent tail, where it keeps the variable
tensors and per-op data). Every model of ``recurrent/tflm`` is measured whole when edgesmith
imports it; a model with an op edgesmith does not run yet is measured on its SVDF /
FULLY_CONNECTED chain (cut from the first to the last SVDF), and TFLite Micro runs the same
cut file next to the whole one.

Run: python -m bench.recurrent_ram
"""

from __future__ import annotations

import re
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.c_backend import tflm_arena
from bench.common import SHARED_MODELS, markdown_table, publish
from edgesmith.errors import EdgesmithError, UnsupportedError
from tests.recurrent.tflite_cut import cut_ops

_VARIABLES = re.compile(r"'TfLiteTensor variable buffer data' used (\d+) bytes")
_REPORT = ("import sys\nfrom tflite_micro.python.tflite_micro import runtime\n"
           "runtime.Interpreter.from_file(sys.argv[1]).print_allocations()\n")


def tflm_variable_bytes(path: Path) -> int:
    proc = subprocess.run([sys.executable, "-c", _REPORT, str(path)], capture_output=True,
                          text=True, timeout=300)
    found = _VARIABLES.search(proc.stdout + proc.stderr)
    return int(found.group(1)) if found else 0


def _svdf_span(path: Path) -> tuple[int, int] | None:
    from edgesmith.frontends.tflite_reader import read_tflite

    try:
        at = [i for i, op in enumerate(read_tflite(path).operators) if op.name == "SVDF"]
    except EdgesmithError:  # a model this branch cannot read yet has no SVDF to measure here
        return None
    return (at[0], at[-1]) if at else None


def main() -> None:
    from edgesmith.codegen.c_plan import plan_c_arena
    from edgesmith.frontends.tflite import load_tflite

    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for path in sorted((SHARED_MODELS / "recurrent" / "tflm").glob("*.tflite")):
            try:
                graph, measured, what = load_tflite(path), path, "whole model"
            except UnsupportedError as exc:
                span = _svdf_span(path)
                if span is None:
                    print(f"{path.name}: skipped ({exc})")
                    continue
                measured = Path(tmp) / f"{path.stem}_svdf_chain.tflite"
                measured.write_bytes(cut_ops(path, *span))
                graph, what = load_tflite(measured), f"ops {span[0]}-{span[1]}"
            plan = plan_c_arena(graph, "optimal")
            head, total = tflm_arena(measured)
            whole_head, whole_total = tflm_arena(path)
            rows.append([path.stem, what, f"{plan.arena_bytes:,}", f"{plan.state_bytes:,}",
                         f"{plan.ram_bytes:,}", f"{head:,}", f"{tflm_variable_bytes(measured):,}",
                         f"{total:,}", f"{plan.ram_bytes / total:.2f}x",
                         f"{whole_head:,} / {whole_total:,}"])
            print(rows[-1])
    body = markdown_table(
        ["model", "measured", "edgesmith arena", "edgesmith state", "edgesmith ram_bytes",
         "TFLM arena head", "TFLM variable tensors", "TFLM arena total",
         "edgesmith / TFLM total", "TFLM whole model head / total"], rows)
    body += ("\n\nedgesmith's state block (LSTM hidden and cell states, SVDF memories: "
             "TFLite's variable tensors) lives outside the per-inference arena and persists "
             "across invocations; `ram_bytes` is arena + state. TFLite Micro keeps the same "
             "variable tensors in the persistent tail of its arena (its `TfLiteTensor variable "
             "buffer data`), so the state bytes are equal and the difference is TFLite Micro's "
             "per-tensor and per-node structures and scratch. The LSTM kernel needs no "
             "scratch: each unit's gates are computed into locals and the new hidden state is "
             "built in the step's output row; TFLite Micro's LSTM requests four scratch "
             "buffers of sequences x units int16 values. A model measured on a cut names the "
             "ops it keeps; its whole-model TFLite Micro arena is in the last column.")
    publish("recurrent_ram", "Recurrent and stateful models: RAM beside TFLite Micro",
            "python -m bench.recurrent_ram", body)


if __name__ == "__main__":
    main()
