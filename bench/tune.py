"""`edgesmith tune` on two models: the Pareto front of accuracy, instructions, RAM and flash
on the emulated Cortex-M4 board, the wall time of the same search on one and two local Ray
workers, and the configuration `--best` picks under a stated RAM and accuracy budget.

* MLPerf Tiny KWS (DS-CNN, the float reference model): there is no speech data set here,
  so the data are 200 variations of the one shipped input (noise of random strength) and
  the labels are the float model's own classes: "accuracy" is agreement with the float
  model on them.
* The QuantMCU benchmark model (bench.quantmcu_model, trained here on MNIST-5k at 64x64):
  uniform int8 against QuantMCU mixed precision on its 4:4 patch stage, accuracy on the
  1,000 test images.

Every search runs twice with an empty cache (one worker, then two), so both times measure
every trial; the two tables must be equal number for number, which the script checks.

Run: python -m bench.tune
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402

from bench.common import SHARED_MODELS, markdown_table, publish  # noqa: E402
from edgesmith.tune.report_data import trial_label  # noqa: E402

BOARD = "mps2-an386"
KWS_SPACE = {"parameters": {"scheme": ["int8", "subbyte"], "weight_bits": [4],
                            "patch": ["none", "auto"], "optimize": ["speed", "size"],
                            "board": [BOARD]},
             "constraints": {"max_ram": 32_000, "max_accuracy_drop": 0.05}}
MCU_SPACE = {"parameters": {"scheme": ["int8"], "patch": ["none", "4:4"],
                            "mixed_lambda": [None, 0.3, 0.1], "optimize": ["speed", "size"],
                            "board": [BOARD]},
             "constraints": {"max_ram": 32 * 1024, "max_accuracy_drop": 0.01}}


def kws_inputs(folder: Path):
    from edgesmith.tune import read_inputs
    import edgesmith

    path = SHARED_MODELS / "mlperf_tiny" / "kws_ref_model_float32.tflite"
    fmt = edgesmith.load(SHARED_MODELS / "mlperf_tiny" / "kws_ref_model.tflite").graph
    fmt = fmt.tensors[fmt.inputs[0]].fmt
    raw = np.fromfile(SHARED_MODELS / "mlperf_tiny" / "kws_input0_49x10.int8.bin", np.int8)
    x0 = fmt.dequantize(raw.astype(np.int32)).reshape(1, 49, 10, 1).astype(np.float32)
    rng = np.random.default_rng(0)
    noise = rng.normal(0, 1, (200, 49, 10, 1)) * rng.uniform(0.2, 1.5, (200, 1, 1, 1))
    x = (x0 + noise * x0.std()).astype(np.float32)
    y = edgesmith.load(path).predict(x).argmax(axis=1)
    return read_inputs(path, x, y, 100), ("KWS DS-CNN (kws_ref_model_float32); accuracy: "
                                          "agreement with the float model on 200 noisy copies "
                                          "of the shipped input (no speech data here)")


def quantmcu_inputs(folder: Path):
    from edgesmith.frontends import load_model
    from edgesmith.io import save_esm
    from edgesmith.passes import run_pipeline
    from edgesmith.tune import read_inputs

    from bench.quantmcu_model import mnist_64, train

    xtr, ytr, xte, yte = mnist_64()
    graph = run_pipeline(load_model(train(xtr, ytr)))
    save_esm(graph, folder / "quantmcu.esm")
    return read_inputs(folder / "quantmcu.esm", xte, yte, 256), (
        "QuantMCU MNIST-64 CNN; accuracy on the 1,000 test images (QuantMCU trials without "
        "channel equalization)")


def search(space: dict, inputs, workers: int, folder: Path):
    """The search on ``workers`` local Ray workers with an empty cache; rows and wall time."""
    from edgesmith.tune import load_space, run_search

    os.environ["EDGESMITH_CACHE"] = str(folder / f"cache-{workers}")  # before Ray starts
    started = time.perf_counter()
    result = run_search(load_space(space), inputs, runner="ray", workers=workers)
    return result, time.perf_counter() - started


def _agreement(differ: list, rows: list[dict]) -> str:
    """What the two runs' numbers say of each other: equal, or each difference stated."""
    if not differ:
        return "both measured the same numbers."
    label = {r["trial"]: r for r in rows}
    parts = [f"{trial_label(label[t])}: " + ", ".join(f"{k} {a:,} vs {b:,}" if isinstance(a, int)
                                                      else f"{k} {a} vs {b}"
                                                      for k, (a, b) in d.items())
             for t, d in differ]
    return ("the runs measured the same numbers except " + "; ".join(parts) + " (the same "
            "firmware bytes, one inference of the same input: an open question, see the "
            "issue notes).")


def section(name: str, space: dict, inputs, folder: Path) -> str:
    from edgesmith.tune.pareto import BEST_RULE

    one, t1 = search(space, inputs, 1, folder)
    two, t2 = search(space, inputs, 2, folder)
    differ = [(a["trial"], {k: (a[k], b.get(k)) for k in a if k != "seconds" and a[k] != b.get(k)})
              for a, b in zip(one.rows, two.rows)]
    differ = [d for d in differ if d[1]]
    assert len(one.rows) == len(two.rows), "one and two workers ran different trials"
    rows = [[trial_label(r), f"{100 * r['accuracy']:.2f}", f"{100 * r['accuracy_drop']:.2f}",
             f"{r['instructions']:,}", f"{r['m4_cycles']:,}", f"{r['ram']:,}", f"{r['flash']:,}"]
            for r in two.front]
    failed = [f"{trial_label(r)}: {r['status']}" for r in two.rows if r["status"] != "ok"]
    c = space["constraints"]
    best = two.best
    lines = [f"### {name}", "",
             f"{len(two.rows)} trials on {BOARD}; wall time with 1 worker {t1:.0f} s, with 2 "
             f"workers {t2:.0f} s ({t1 / t2:.2f}x); " + _agreement(differ, one.rows), "",
             "Pareto front (accuracy up; instructions, RAM, flash down):", "",
             markdown_table(["configuration", "accuracy %", "drop (points)", "instructions",
                             "M4 cycles (est.)", "RAM B", "flash B"], rows), ""]
    budget = (f"Budget: RAM <= {c['max_ram']:,} B and accuracy drop <= "
              f"{100 * c['max_accuracy_drop']:g} points; rule: {BEST_RULE}. ")
    lines.append(budget + (f"Chosen: **{trial_label(best)}** ({best['instructions']:,} "
                           f"instructions, {best['ram']:,} B RAM, {best['flash']:,} B flash, "
                           f"accuracy {100 * best['accuracy']:.2f}%)." if best else
                           "No trial meets it."))
    if failed:
        lines += ["", "Trials that could not be built: " + "; ".join(failed)]
    return "\n".join(lines)


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="bench-tune-") as tmp:
        folder = Path(tmp)
        parts = []
        for make, space in ((kws_inputs, KWS_SPACE), (quantmcu_inputs, MCU_SPACE)):
            inputs, name = make(folder)
            parts.append(section(name, space, inputs, folder))
            print(parts[-1], flush=True)
    body = ("Each trial quantizes (calibration slice of the data), plans, generates C, "
            "builds the firmware (RAM and flash from the linker), counts the instructions of "
            "one inference under QEMU (the M4 cycle estimate beside them) and takes the "
            "accuracy from the simulator, bit-exact with the firmware. The wall times are of a "
            "2-core machine shared with other jobs at the time, so they say little about what "
            "a second worker gains on a quiet machine; the measured numbers depend on "
            "neither.\n\n" + "\n\n".join(parts))
    publish("tune", "Deployment search (`edgesmith tune`) on Ray", "python -m bench.tune", body)


if __name__ == "__main__":
    main()
