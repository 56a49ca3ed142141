"""Run mutants through edgesmith in child processes with memory and time limits.

Each worker process (one per core) takes one mutant at a time: it writes the
file, loads it, runs the pass pipeline, simulates two random samples and
computes the report rows and the activation lower bound. Its address space is
capped with ``resource.setrlimit``; the parent kills a worker that takes
longer than the time limit and starts a new one. Outcomes:

* ``ran`` / ``refused`` (an :class:`EdgesmithError`): what edgesmith promises;
* ``exception`` (anything else), ``memory``, ``hang``, ``signal``: failures.

The memory limit is counted above what the worker inherited from the parent.
"""

from __future__ import annotations

import io
import multiprocessing as mp
import shutil
import sys
import tempfile
import time
import traceback
from collections import Counter
from dataclasses import dataclass, field
from multiprocessing.connection import wait
from pathlib import Path

import numpy as np

from tests.fuzz.mutators import byte_flip, mutate
from tests.helpers.paths import HLS4ML_MODELS, SHARED_MODELS

OK_OUTCOMES = ("ran", "refused")
#: the table's columns; ``verified``: of the ran ones, how many also ran as C on the host equal
#: to the simulator (verify mode); ``wrong``: accepted, but the C differs from the simulator
TABLE_OUTCOMES = ("ran", "verified", "refused", "exception", "wrong", "memory", "hang", "signal")
#: seed kinds that Keras itself loads (the worker imports it once, before timing anything)
KERAS_LOADED_KINDS = ("keras_archive", "keras_model_h5")
HELLO = SHARED_MODELS / "tflm" / "hello_world_int8.tflite"
MEMORY_LIMIT = 2 << 30
SUFFIXES = {"tflite": ".tflite", "esm": ".esm", "keras_json": ".json", "keras_h5": ".h5",
            "array": ".npy", "keras_archive": ".keras", "keras_model_h5": ".hdf5"}


@dataclass
class Seed:
    kind: str
    blob: bytes
    #: the unmodified file a Keras JSON or weights mutant pairs with
    partner: Path | None = None


@dataclass
class FuzzResult:
    counts: Counter = field(default_factory=Counter)
    #: (kind, outcome, detail) -> (mutant bytes, partner) of the first mutant seen
    failures: dict = field(default_factory=dict)
    #: kind -> accepted mutants whose generated C ran on the host equal to the simulator
    verified: Counter = field(default_factory=Counter)

    def table_rows(self) -> list[list]:
        """Per seed kind: the count of each of :data:`TABLE_OUTCOMES`."""
        kinds = sorted({k for k, _ in self.counts})
        return [[k, *(self.verified[k] if o == "verified" else self.counts[(k, o)]
                      for o in TABLE_OUTCOMES)] for k in kinds]


def default_seeds(esm_blob: bytes | None = None) -> list[Seed]:
    """The shared small models as seeds (and an .esm quantized from one, if given)."""
    speech = SHARED_MODELS / "tflm" / "micro_speech_quantized.tflite"
    seeds = [Seed("tflite", HELLO.read_bytes()), Seed("tflite", speech.read_bytes()),
             Seed("keras_json", (HLS4ML_MODELS / "KERAS_1layer.json").read_bytes(),
                  HLS4ML_MODELS / "KERAS_1layer_weights.h5"),
             Seed("keras_json", (HLS4ML_MODELS / "KERAS_conv2d_model.json").read_bytes(),
                  HLS4ML_MODELS / "KERAS_conv2d_model_weights.h5"),
             Seed("keras_h5", (HLS4ML_MODELS / "KERAS_1layer_weights.h5").read_bytes(),
                  HLS4ML_MODELS / "KERAS_1layer.json")]
    buf = io.BytesIO()
    np.save(buf, np.arange(-3, 3, dtype=np.int8).reshape(6, 1))
    seeds.append(Seed("array", buf.getvalue()))
    if esm_blob is not None:
        seeds.append(Seed("esm", esm_blob))
    return seeds


def drive(kind: str, path: Path, partner: Path | None):
    """What a user would run on the file: load, passes, simulate, report, memory bound; the
    graph (None for an array mutant)."""
    from edgesmith.frontends import load_model
    from edgesmith.io.arrays import prepare_inputs, read_user_arrays
    from edgesmith.memory.lifetimes import lower_bound
    from edgesmith.passes import run_pipeline
    from edgesmith.report.metrics import op_rows
    from edgesmith.sim import simulate
    from edgesmith.sim.inputs import random_inputs

    if kind == "array":
        graph = load_model(HELLO)
        simulate(graph, prepare_inputs(graph, read_user_arrays(path)))
        return None
    if kind == "keras_h5":
        graph = load_model(partner, weights=path)
    else:
        graph = load_model(path, weights=partner)
    if not graph.is_quantized():
        graph = run_pipeline(graph)
    simulate(graph, random_inputs(graph, 2))
    op_rows(graph)
    lower_bound(graph)
    return graph


def _model_args(kind: str, path: Path, partner: Path | None) -> list[str]:
    """The model arguments of a CLI call on this mutant (a JSON config pairs with weights)."""
    if kind == "keras_h5":
        return [str(partner), "--weights", str(path)]
    if kind == "keras_json":
        return [str(path), "--weights", str(partner)]
    return [str(path)]


def drive_cli(kind: str, path: Path, partner: Path | None) -> tuple[str, str]:
    """The mutant through the command line, in process: ``inspect`` and ``generate c`` (an
    array: ``simulate``). Exit 0 is "ran", 1 or 2 "refused" when nothing was written;
    exit 3, an escaped exception or output left behind by a failed command is a failure."""
    from edgesmith.cli import app

    out = path.parent / "cli-out"
    if kind == "array":
        calls = [["simulate", str(HELLO), "--input", str(path), "-o", str(out / "y.npy")]]
    else:
        model = _model_args(kind, path, partner)
        calls = [["inspect", *model], ["generate", "c", model[0], "-o", str(out / "c"),
                                       "--strategy", "greedy", *model[1:]]]
    shutil.rmtree(out, ignore_errors=True)  # what an earlier mutant's failure left is not this one's
    try:
        return _run_cli_calls(app, calls, out)
    finally:
        shutil.rmtree(out, ignore_errors=True)


def _run_cli_calls(app, calls: list[list[str]], out: Path) -> tuple[str, str]:
    from typer.testing import CliRunner

    runner = CliRunner()
    for args in calls:
        result = runner.invoke(app, args, catch_exceptions=True)
        code = result.exit_code
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            return "exception", f"{type(result.exception).__name__} escaped `{args[0]}`"
        if code == 3:
            first = (result.output.strip().splitlines() or ["?"])[0][:80]
            return "exception", f"exit 3 from `{args[0]}`: {first}"
        if code not in (0, 1, 2):
            return "exception", f"exit {code} from `{args[0]}`"
        if code != 0:
            if out.exists() and any(out.rglob("*")):
                return "exception", f"`{args[0]}` failed and left output behind"
            return "refused", ""
    return "ran", ""


class WrongAcceptance(Exception):
    """An accepted mutant whose generated C differs from the simulator: a finding."""


def drive_verify(kind: str, path: Path, partner: Path | None) -> bool:
    """``drive``, then what ``verify --target host`` checks, on every accepted model: a float
    model is first quantized (int8, eight random calibration samples, as a user would before
    verifying), then its generated C runs on the host against the simulator. True when the C
    ran; a mutant edgesmith accepts that does not run exactly raises :class:`WrongAcceptance`."""
    from edgesmith.quant import quantize_graph
    from edgesmith.sim.inputs import random_inputs
    from edgesmith.verify.host import verify_host

    graph = drive(kind, path, partner)
    if graph is None:
        return False
    if not graph.is_quantized():
        graph = quantize_graph(graph, random_inputs(graph, 8))
    report = verify_host(graph, random_inputs(graph, 2))
    if not report.ok:
        raise WrongAcceptance(f"the C differs from the simulator ({report.first_mismatch})")
    return True


#: how a worker drives a mutant: the Python API, the CLI, or the API plus host verification
MODES = ("api", "cli", "verify")


def _worker(conn, folder: str, memory_limit: int, warm_keras: bool, time_limit: float) -> None:
    import resource

    from edgesmith.frontends import h5_bounded

    # edgesmith's own HDF5 time limit refuses a looping file before the worker is killed
    h5_bounded.READ_SECONDS = min(h5_bounded.READ_SECONDS, time_limit / 2)

    # on top of what the worker inherited (pytest may have loaded TensorFlow before forking)
    limit = _address_space() + memory_limit
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    from edgesmith.errors import EdgesmithError

    if warm_keras:  # importing TensorFlow takes seconds: not a mutant's time
        from edgesmith.frontends.keras import import_keras
        import_keras()
    conn.send("ready")

    while True:
        job = conn.recv()
        if job is None:
            return
        kind, blob, partner, mode = job
        path = Path(folder) / f"mutant{SUFFIXES[kind]}"
        path.write_bytes(blob)
        try:
            if mode == "cli":
                outcome, detail = drive_cli(kind, path, partner)
            elif mode == "verify":
                outcome, detail = "ran", ("host" if drive_verify(kind, path, partner) else "")
            else:
                drive(kind, path, partner)
                outcome, detail = "ran", ""
        except WrongAcceptance as exc:
            outcome, detail = "wrong", str(exc)[:120]
        except EdgesmithError:
            outcome, detail = "refused", ""
        except MemoryError:
            outcome, detail = "memory", _place()
        except Exception as exc:  # noqa: BLE001  (every other exception is the finding)
            outcome, detail = "exception", f"{type(exc).__name__} at {_place()}"
        conn.send((outcome, detail))


def _address_space() -> int:
    """Bytes of this process's address space now (Linux)."""
    import os

    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")


def _place() -> str:
    frame = traceback.extract_tb(sys.exc_info()[2])[-1]
    return f"{Path(frame.filename).name}:{frame.name}"


class _Worker:
    def __init__(self, ctx, folder: str, limits: tuple[int, bool, float]):
        self.conn, child = ctx.Pipe()
        self.proc = ctx.Process(target=_worker, args=(child, folder, *limits), daemon=True)
        self.proc.start()
        if not self.conn.poll(300) or self.conn.recv() != "ready":
            raise RuntimeError("a fuzz worker did not start")
        self.job = None


def _outcome(w: _Worker, ready: list, time_limit: float) -> tuple[str, str] | None:
    """The outcome of worker ``w``'s job once there is one (killing it past the time limit)."""
    if w.conn in ready and w.conn.poll():
        try:
            return w.conn.recv()
        except EOFError:
            pass
    if not w.proc.is_alive():
        code = w.proc.exitcode
        return ("memory" if code == 1 else "signal"), f"exit {code}"
    if time.monotonic() - w.started > time_limit:
        w.proc.kill()
        w.proc.join()
        return "hang", f"> {time_limit:g} s"
    return None


def mutants(seeds: list[Seed], count: int, rng: np.random.Generator) -> list[tuple[Seed, bytes]]:
    """``count`` (seed, mutant bytes) drawn round-robin from ``seeds``: a structure-aware
    edit, or flipped bytes where the edit does not apply."""
    out = []
    for i in range(count):
        s = seeds[i % len(seeds)]
        try:
            blob = mutate(s.kind, s.blob, rng)
        except Exception:  # noqa: BLE001  (a structure edit that does not apply: flip bytes)
            blob = byte_flip(s.blob, rng)
        out.append((s, blob))
    return out


def run_fuzz(seeds: list[Seed], count: int, seed: int | list[int] = 0, workers: int = 2,
             time_limit: float = 20.0, memory_limit: int = MEMORY_LIMIT,
             mode: str = "api") -> FuzzResult:
    """``count`` mutants drawn round-robin from ``seeds``, each driven as ``mode`` says
    (:data:`MODES`); outcome counts and first failures."""
    if mode not in MODES:
        raise ValueError(f"unknown fuzz mode {mode!r}; choose from {MODES}")
    rng = np.random.default_rng(seed)
    ctx = mp.get_context("fork")
    result = FuzzResult()
    jobs = [(s.kind, blob, s.partner, mode) for s, blob in mutants(seeds, count, rng)]
    limits = (memory_limit, any(s.kind in KERAS_LOADED_KINDS for s in seeds), time_limit)
    with tempfile.TemporaryDirectory() as tmp:
        pool = [_Worker(ctx, tempfile.mkdtemp(dir=tmp), limits)
                for _ in range(workers)]
        queue = list(reversed(jobs))
        while queue or any(w.job for w in pool):
            for w in pool:
                if w.job is None and queue:
                    w.job, w.started = queue.pop(), time.monotonic()
                    w.conn.send(w.job)
            busy = [w for w in pool if w.job]
            ready = wait([w.conn for w in busy] + [w.proc.sentinel for w in busy], timeout=1.0)
            for k, w in enumerate(pool):
                if w.job is None or (found := _outcome(w, ready, time_limit)) is None:
                    continue
                outcome, detail = found
                kind, blob, partner, _ = w.job
                result.counts[(kind, outcome)] += 1
                if outcome == "ran" and detail == "host":
                    result.verified[kind] += 1
                if outcome not in OK_OUTCOMES:
                    result.failures.setdefault((kind, outcome, detail), (blob, partner))
                w.job = None
                if not w.proc.is_alive():
                    pool[k] = _Worker(ctx, tempfile.mkdtemp(dir=tmp), limits)
        for w in pool:
            w.conn.send(None)
            w.proc.join(timeout=5)
    return result


#: beside a corpus file: the file name of the unmodified model file it pairs with
PARTNER_SUFFIX = ".partner"


def save_failures(result: FuzzResult, folder: Path, max_bytes: int = 64 << 10) -> list[Path]:
    """Write the first mutant of every distinct failure into ``folder`` (small files only)."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for (kind, outcome, detail), (blob, partner) in sorted(result.failures.items()):
        if len(blob) > max_bytes:
            continue
        place = detail.split(" at ")[-1].replace(":", ".").replace(" ", "")
        path = folder / f"{kind}-{outcome}-{place}{SUFFIXES[kind]}"
        path.write_bytes(blob)
        if partner is not None:
            path.with_name(path.name + PARTNER_SUFFIX).write_text(partner.name + "\n")
        written.append(path)
    return written
