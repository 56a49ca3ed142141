"""A long fuzz run: mutants of every seed kind through edgesmith, an outcome table.

Seeds: the small shared int8 ``.tflite`` models, an int8 ``.esm`` quantized
from a shared Keras model, the hls4ml JSON + weights pairs, a user array, and
a ``.keras`` archive and a full-model ``.h5`` saved by Keras. Each mutant runs
in a worker process limited to 4 GB of address space and 20 s
(:mod:`tests.fuzz.runner`). Every distinct failure is written to
``tests/fuzz/corpus/`` as a regression file.

With ``--mode cli`` each mutant goes through the command line instead (``inspect`` and
``generate c``; exit 0, 1 or 2 with nothing left behind), with ``--mode verify`` through
the Python API and then, when accepted and quantized, as C on the host against the
simulator.

Run: python -m bench.fuzz --count 100000 [--seed 0] [--mode api|cli|verify] [--no-publish]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.common import markdown_table, publish
from tests.fuzz.runner import MODES, Seed, default_seeds, run_fuzz, save_failures

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO / "tests" / "fuzz" / "corpus"

#: builds the Keras-saved seeds in a child process: TensorFlow must not be loaded in the
#: parent, whose workers are forked
_KERAS_SEEDS = """
import sys
import keras
folder = sys.argv[1]
model = keras.Sequential([keras.Input((6, 6, 2)), keras.layers.Conv2D(3, 3, activation="relu"),
                          keras.layers.Flatten(), keras.layers.Dense(4)])
model.save(folder + "/seed.keras")
model.save(folder + "/seed.h5")
"""


def _esm_seed(folder: Path) -> bytes:
    import numpy as np

    from edgesmith.frontends import load_model
    from edgesmith.io import save_esm
    from edgesmith.passes import run_pipeline
    from edgesmith.quant import quantize_graph
    from tests.helpers.paths import HLS4ML_MODELS

    graph = run_pipeline(load_model(HLS4ML_MODELS / "KERAS_1layer.json",
                                    weights=HLS4ML_MODELS / "KERAS_1layer_weights.h5"))
    calib = np.random.default_rng(0).uniform(-1, 1, (32, 10)).astype(np.float32)
    return save_esm(quantize_graph(graph, calib), folder / "seed.esm").read_bytes()


def all_seeds(folder: Path) -> list[Seed]:
    seeds = default_seeds(_esm_seed(folder))
    subprocess.run([sys.executable, "-c", _KERAS_SEEDS, str(folder)], check=True,
                   capture_output=True)
    seeds.append(Seed("keras_archive", (folder / "seed.keras").read_bytes()))
    seeds.append(Seed("keras_model_h5", (folder / "seed.h5").read_bytes()))
    return seeds


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--mode", choices=MODES, default="api")
    parser.add_argument("--no-publish", action="store_true")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        seeds = all_seeds(Path(tmp))
        start = time.monotonic()
        result = run_fuzz(seeds, args.count, seed=args.seed, workers=args.workers,
                          memory_limit=4 << 30, mode=args.mode,
                          time_limit=60.0 if args.mode == "verify" else 20.0)
        seconds = time.monotonic() - start
    header = ["seed kind", "ran", "refused (edgesmith's error)", "other exception",
              "memory > 4 GB", "hang > 20 s", "crash signal"]
    table = markdown_table(header, result.table_rows())
    written = save_failures(result, CORPUS)
    body = (f"{args.count:,} mutants (seed {args.seed}, mode {args.mode}) in {seconds:.0f} s; "
            f"distinct failures: "
            f"{len(result.failures)}\n\n{table}\n")
    print(body)
    for path in written:
        print(f"regression file: {path.relative_to(REPO)}")
    if not args.no_publish:
        name = "fuzz" if args.mode == "api" else f"fuzz_{args.mode}"
        publish(name, f"Hostile input: fuzzing the loaders ({args.mode})",
                f"python -m bench.fuzz --count {args.count} --seed {args.seed} "
                f"--mode {args.mode}", body)


if __name__ == "__main__":
    main()
