"""RAM of the recurrent models of TFLite Micro's tests beside TFLite Micro's arena.

edgesmith's RAM is the arena (inputs and outputs inside it) plus the state block that
persists across invocations (TFLite's variable tensors: an LSTM's hidden and cell states,
an SVDF's activation history). TFLite Micro's numbers are its allocation report for the
same model (head = tensor arena, total = head + persistent tail, where it keeps the
variable tensors and per-op data). Every model of ``recurrent/tflm`` that edgesmith
imports is measured.

Run: python -m bench.recurrent_ram
"""

from __future__ import annotations

from bench.c_backend import tflm_arena
from bench.common import SHARED_MODELS, markdown_table, publish


def main() -> None:
    from edgesmith.codegen.c_plan import plan_c_arena
    from edgesmith.errors import EdgesmithError
    from edgesmith.frontends.tflite import load_tflite

    rows = []
    for path in sorted((SHARED_MODELS / "recurrent" / "tflm").glob("*.tflite")):
        try:
            graph = load_tflite(path)
        except EdgesmithError as exc:  # an op of another branch, not yet here
            print(f"{path.name}: skipped ({exc})")
            continue
        plan = plan_c_arena(graph, "optimal")
        head, total = tflm_arena(path)
        rows.append([path.stem, f"{plan.arena_bytes:,}", f"{plan.state_bytes:,}",
                     f"{plan.ram_bytes:,}", f"{head:,}", f"{total:,}",
                     f"{plan.ram_bytes / total:.2f}x"])
        print(rows[-1])
    body = markdown_table(
        ["model", "edgesmith arena", "edgesmith state", "edgesmith ram_bytes",
         "TFLM arena head", "TFLM arena total", "edgesmith / TFLM total"], rows)
    body += ("\n\nThe LSTM kernel needs no scratch: each unit's gates are computed into locals "
             "and the new hidden state is built in the step's output row, so the arena holds "
             "only the activations. TFLM's LSTM requests four scratch buffers of "
             "sequences x units int16 values and keeps the state tensors in its persistent "
             "tail.")
    publish("recurrent_ram", "Recurrent models: RAM beside TFLite Micro",
            "python -m bench.recurrent_ram", body)


if __name__ == "__main__":
    main()
