"""Instructions per inference on QEMU mps2-an386: layer-based int8, patch-based int8, and
patch-based mixed precision (QuantMCU), with the mixed firmware checked bit for bit.

Used by ``bench.quantmcu`` on its trained model; the three firmwares are built
from the same int8 graph. Instructions are counted by edgesmith's TCG plugin
over one ``<model>_invoke()`` per sample (exact, not sampled); the mixed
firmware's count depends on which branch each patch takes, so it is given as
the mean over the samples, beside the share of patches that ran 8-bit.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np

BOARD = "mps2-an386"


def instruction_rows(model, x: np.ndarray) -> tuple[list[list[str]], dict]:
    """Table rows (variant, firmware .bss, instructions mean / max, ratio) and facts:
    the mixed firmware's outputs and branches equal the simulator's on every sample of
    ``x`` (int8 inputs of ``model.graph``)."""
    from edgesmith.boards.build import cached_firmware
    from edgesmith.boards.qemu import run_graph
    from edgesmith.boards.registry import get_board
    from edgesmith.codegen import generate_c
    from edgesmith.quant.mixed_simulate import simulate_mixed_patched

    graph, plan = model.graph, model.plan
    board = get_board(BOARD)
    batch = {graph.inputs[0]: x}
    expected, routes = simulate_mixed_patched(model, batch)
    rows, facts = [], {}
    with tempfile.TemporaryDirectory() as tmp:
        variants = (("layer-based int8", {}), ("patch-based int8", {"patch": plan}),
                    ("patch-based mixed (VDPC + VDQS)", {"mixed": model}))
        base = None
        for label, options in variants:
            folder = generate_c(graph, Path(tmp) / label.split()[0] / label.split()[1],
                                **options).folder
            bss = cached_firmware(None, board, model_dir=folder).sizes.bss
            outputs, run = run_graph(graph, board, batch, count_instructions=True,
                                     model_dir=folder)
            counts = np.asarray(run.instructions.per_sample, dtype=np.float64)
            base = base or counts.mean()
            if "mixed" in options:
                same = all(np.array_equal(outputs[n], expected[n]) for n in graph.outputs)
                facts = {"samples": int(x.shape[0]), "outputs_equal": same,
                         "branches_equal": bool(np.array_equal(run.patch_branches, routes)),
                         "share_8bit": float(routes.mean())}
            rows.append([label, f"{bss:,}", f"{counts.mean():,.0f}", f"{counts.max():,.0f}",
                         f"{counts.mean() / base:.3f}x"])
            print(rows[-1], flush=True)
    return rows, facts


HEADER = ["firmware", f".bss on {BOARD} (B)", "instructions / inference (mean)", "max",
          "vs layer-based"]
