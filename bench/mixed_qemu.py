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
trains the model); with ``--publish`` it rewrites those rows in the full run's
section of docs/BENCHMARKS.md.

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


def firmware_intro(facts: dict) -> str:
    """The paragraph above the firmware table, from ``instruction_rows``'s facts."""
    return (f"Firmware on QEMU {BOARD} (Cortex-M4), the headline model, the first "
            f"{facts['samples']} test images ({100 * facts['share_8bit']:.1f}% of their patches "
            f"8-bit): the mixed firmware's outputs "
            f"{'equal' if facts['outputs_equal'] else 'DIFFER from'} the simulator's and every "
            f"patch's branch {'equals' if facts['branches_equal'] else 'DIFFERS from'} VDPC's, "
            "bit for bit. Instructions per inference, counted exactly by edgesmith's TCG plugin "
            "(kernels as `generate c` picks them by default: the fast set):")


def firmware_notes(rows: list[list[str]]) -> str:
    """The paragraph under the firmware table: the verdict from ``rows``, then what the
    low-bit branch gains and what the mixed firmware pays for (measured once on the
    benchmark's model, stated so)."""
    count = {row[0]: int(row[2].replace(",", "")) for row in rows}
    uniform, mixed = count["patch-based int8"], count["patch-based mixed (VDPC + VDQS)"]
    verdict = (f"met: {1 - mixed / uniform:.1%} fewer instructions ({uniform - mixed:,})"
               if mixed <= uniform else
               f"**not met**: {mixed / uniform - 1:+.2%}, {mixed - uniform:,} instructions")
    return (
        f"The issue's floor for this firmware (no slower than uniform int8 patches): "
        f"{verdict}. What the low-bit branch's narrower values buy: its layers read 4- and "
        "2-bit inputs or write 4- and 2-bit outputs, so their accumulators span a few thousand "
        "values or their clamps a few steps, and there one high multiply reproduces every step "
        "of the requantization: the one-multiply output stage (`edgesmith.codegen."
        "c_one_multiply`: rows stored times S, per channel a start, a multiplier and a "
        "constant, searched offline and kept only where they equal the reference on the "
        "channel's whole accumulator range; SMMLAR and SSAT an output where the usual stage "
        "takes SMMLAR, ASR and SSAT, two constant loads a channel instead of three, and no "
        "stage to prepare per call). Every conv and depthwise layer of this model's low-bit "
        "branch takes it (S = 256 for the convs; the depthwise tables carry it with a right "
        "shift of 0); no layer of the 8-bit branch does (int8 inputs and outputs: accumulators "
        "some 30 times wider and 255 steps, past what the search takes on). Int8 weights "
        "leave no room for two low-bit products per 16-bit lane (9 taps of a 4-bit input "
        "reach 17,280 in magnitude, where two sums to a lane must stay within 127), so the "
        "MACs cost what int8's do. Measured once on this model with markers between the "
        "stage's steps (an edited copy of the generated code), before the depthwise layers "
        "took the stage: per low-bit patch the three convs took 8%, 10% and 14% fewer "
        "instructions than on the 8-bit branch. The mixed firmware still pays for its "
        "low-bit crops of the model input through a 256-entry table (about 18 k "
        "instructions per inference more than the 8-bit branch's memcpy) and for VDPC "
        "(about 7 k: one read of the model input, four bytes a word with USUB8/UQSUB8, into "
        "cells cut along every patch window's border, then a few masks per patch). Before "
        "the one-multiply stage the mixed firmware was 0.79% slower than uniform patches "
        "(3,280,136 against 3,254,439); with it on the convs only, 5.0% faster. The "
        "firmware rows alone: `python -m bench.mixed_qemu` (~20 s, on the headline model the "
        "full run saves; `--publish` rewrites these rows in this section).")


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
    parser.add_argument("--publish", action="store_true",
                        help="rewrite the firmware rows of docs/BENCHMARKS.md's quantmcu section "
                             "(the headline model only)")
    args = parser.parse_args(argv)
    if not args.model.exists():
        parser.error(f"{args.model} does not exist: run 'python -m bench.quantmcu' once (it "
                     "saves its headline model there), or pass --model")
    if args.publish and args.model.resolve() != HEADLINE:
        parser.error("--publish writes the headline model's rows: leave --model out")
    model = load_mixed_esm(args.model)
    _, _, xte, _ = mnist_64()
    rows, facts = qemu_instructions(model, xte[:QEMU_SAMPLES])
    print(markdown_table(HEADER, rows))
    print(facts)
    if args.publish:
        publish_rows(rows, facts)


def firmware_part(rows: list[list[str]], facts: dict) -> str:
    """The firmware part of bench.quantmcu's section: the paragraph, the table, the notes."""
    from bench.common import markdown_table

    return "\n\n".join([firmware_intro(facts), markdown_table(HEADER, rows),
                        firmware_notes(rows)])


def publish_rows(rows: list[list[str]], facts: dict) -> None:
    """Rewrite the firmware part of the quantmcu section of docs/BENCHMARKS.md (the model
    and the other tables are the full run's)."""
    from bench.common import BENCHMARKS_MD

    text = BENCHMARKS_MD.read_text()
    begin, end = text.index("<!-- bench:quantmcu -->"), text.index("<!-- /bench:quantmcu -->")
    section = text[begin:end]
    first = section.index("Firmware on QEMU")
    last = section.index("\n\nModel: ", first)
    section = section[:first] + firmware_part(rows, facts) + section[last:]
    BENCHMARKS_MD.write_text(text[:begin] + section + text[end:])
    print(f"rewrote the firmware rows of section 'quantmcu' in {BENCHMARKS_MD.name}")


if __name__ == "__main__":
    main()
