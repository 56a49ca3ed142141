"""Instructions per inference on QEMU mps2-an386: layer-based int8, patch-based int8, and
patch-based mixed precision (QuantMCU), with the mixed firmware checked bit for bit.

Used by ``bench.quantmcu`` on its trained model; the three firmwares are built
from the same int8 graph. Instructions are counted by edgesmith's TCG plugin
over one ``<model>_invoke()`` per sample (exact, not sampled); the mixed
firmware's count depends on which branch each patch takes, so it is given as
the mean over the samples, beside the share of patches that ran 8-bit.

Run on its own, it prints these rows for the headline model the last full
``bench.quantmcu`` run saved (``bench/results/quantmcu/headline.esm``), on the
same test images, in about a minute instead of the full run's eight (which
trains the model); it publishes nothing.

Run: python -m bench.mixed_qemu [--model PATH]
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

import numpy as np

BOARD = "mps2-an386"
#: the headline mixed model of the last full bench.quantmcu run (int8 graph + mixed data)
HEADLINE = Path(__file__).resolve().parent / "results" / "quantmcu" / "headline.esm"


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


def main(argv: list[str] | None = None) -> None:
    from bench.common import markdown_table
    from bench.quantmcu import QEMU_SAMPLES, qemu_instructions
    from bench.quantmcu_model import mnist_64
    from edgesmith.quant.mixed_patch import load_mixed_esm

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=HEADLINE,
                        help="a mixed model (.esm) of bench.quantmcu's CNN")
    args = parser.parse_args(argv)
    if not args.model.exists():
        raise SystemExit(f"{args.model} does not exist: run 'python -m bench.quantmcu' once "
                         "(it saves its headline model there), or pass --model")
    model = load_mixed_esm(args.model)
    _, _, xte, _ = mnist_64()
    rows, facts = qemu_instructions(model, xte[:QEMU_SAMPLES])
    print(markdown_table(HEADER, rows))
    print(facts)


if __name__ == "__main__":
    main()
