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

A long run goes in chunks, each saved under ``bench/results/fuzz/`` when done: the same
command resumes it (``--hours`` stops it between chunks), and the table is published when
every chunk is in.

Run: python -m bench.fuzz --count 100000 [--seed 0] [--mode api|cli|verify] [--chunk 2500]
     [--hours H] [--no-publish]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.common import markdown_table, publish
from tests.fuzz.runner import MODES, FuzzResult, Seed, default_seeds, run_fuzz, save_failures

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO / "tests" / "fuzz" / "corpus"
#: the saved chunks of long runs, one folder per (mode, count, seed)
RESULTS = REPO / "bench" / "results" / "fuzz"

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


def _commit() -> str:
    proc = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"],
                          capture_output=True, text=True, check=False)
    return proc.stdout.strip() or "unknown"


def _load_chunk(path: Path, result: FuzzResult) -> dict:
    """Add a saved chunk's counts into ``result``; the chunk's record."""
    record = json.loads(path.read_text())
    for kind, outcome, n in record["counts"]:
        result.counts[(kind, outcome)] += n
    for kind, n in record["verified"].items():
        result.verified[kind] += n
    for kind, outcome, detail in record["failures"]:
        result.failures.setdefault((kind, outcome, detail), (b"", None))
    return record


def _save_chunk(path: Path, chunk: FuzzResult, seconds: float) -> None:
    record = {"counts": [[k, o, n] for (k, o), n in sorted(chunk.counts.items())],
              "verified": dict(sorted(chunk.verified.items())),
              "failures": [list(key) for key in sorted(chunk.failures)],
              "seconds": round(seconds, 1), "commit": _commit()}
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(record, indent=1) + "\n")
    tmp.replace(path)


def run_chunks(args, seeds) -> tuple[FuzzResult, float, list, bool]:
    """The run in chunks of ``--chunk`` mutants (chunk i draws its mutants with the seed
    ``[--seed, i]``), each saved under :data:`RESULTS` when done so that a long run resumes
    where it stopped; stops starting chunks after ``--hours``. (result, seconds, commits,
    complete)."""
    folder = RESULTS / f"{args.mode}-{args.count}-seed{args.seed}-chunk{args.chunk}"
    total, seconds, commits, deadline = FuzzResult(), 0.0, set(), time.monotonic() + args.hours * 3600
    sizes = [min(args.chunk, args.count - lo) for lo in range(0, args.count, args.chunk)]
    complete = True
    for i, size in enumerate(sizes):
        path = folder / f"chunk-{i:04d}.json"
        if not path.exists() or args.no_publish:
            if time.monotonic() > deadline:
                complete = False
                continue
            start = time.monotonic()
            chunk = run_fuzz(seeds, size, seed=[args.seed, i], workers=args.workers,
                             memory_limit=4 << 30, mode=args.mode, time_limit=_limit(args.mode))
            for path_ in save_failures(chunk, CORPUS):
                print(f"regression file: {path_.relative_to(REPO)}")
            if args.no_publish:
                total.counts.update(chunk.counts)
                total.verified.update(chunk.verified)
                total.failures.update(chunk.failures)
                seconds += time.monotonic() - start
                continue
            _save_chunk(path, chunk, time.monotonic() - start)
            print(f"chunk {i + 1}/{len(sizes)}: {size} mutants in "
                  f"{time.monotonic() - start:.0f} s", flush=True)
        record = _load_chunk(path, total)
        seconds += record["seconds"]
        commits.add(record["commit"])
    return total, seconds, sorted(commits), complete


def _mode_note(mode: str) -> str:
    if mode != "cli":
        return ""
    return ("\nThrough the CLI, \"ran\" is `inspect` and `generate c` both exiting 0; a float "
            "model's mutant that loads is \"refused\" by `generate c` (C runs integer models), "
            "which is why no Keras mutant \"ran\". A refusal that leaves output behind counts "
            "as another exception.\n")


def _limit(mode: str) -> float:
    """Seconds a mutant may take: a verify run builds C code too."""
    return 60.0 if mode == "verify" else 20.0


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--mode", choices=MODES, default="api")
    parser.add_argument("--chunk", type=int, default=2_500, help="mutants per saved chunk")
    parser.add_argument("--hours", type=float, default=1e9,
                        help="start no chunk after this many hours (rerun to resume)")
    parser.add_argument("--no-publish", action="store_true",
                        help="print the table only: no chunk files, no docs section")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        # the mutants' C builds are thrown away with the run, not kept in the user's cache
        os.environ["EDGESMITH_CACHE"] = str(Path(tmp) / "cache")
        seeds = all_seeds(Path(tmp))
        result, seconds, commits, complete = run_chunks(args, seeds)
    limit = _limit(args.mode)
    header = ["seed kind", "ran", "of which C == simulator on the host",
              "refused (edgesmith's error)", "other exception", "wrong acceptance",
              "memory > 4 GB", f"hang > {limit:g} s", "crash signal"]
    table = markdown_table(header, result.table_rows())
    done = sum(result.counts.values())
    body = (f"{done:,} of {args.count:,} mutants (seed {args.seed}, mode {args.mode}, chunks of "
            f"{args.chunk:,}) in {seconds:.0f} s of run time; distinct failures: "
            f"{len(result.failures)}" + (f"; edgesmith commits {', '.join(commits)}"
                                         if commits else "") + f"\n\n{table}\n")
    print(body)
    if not complete:
        print("not complete: rerun the same command to resume")
    if complete and not args.no_publish:
        name = "fuzz" if args.mode == "api" else f"fuzz_{args.mode}"
        publish(name, f"Hostile input: fuzzing the loaders ({args.mode})",
                f"python -m bench.fuzz --count {args.count} --seed {args.seed} "
                f"--mode {args.mode}" + (f" --chunk {args.chunk}" if args.chunk != 2_500
                                         else ""), body + _mode_note(args.mode))


if __name__ == "__main__":
    main()
