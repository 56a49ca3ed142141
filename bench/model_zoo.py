"""Run every model under a folder through edgesmith as a new user would, and tabulate.

For each ``.tflite``, ``.keras``, full-model ``.h5`` and architecture ``.json`` with its
``<name>_weights.h5`` (found recursively), through the CLI in child processes:

1. ``inspect --json``: ops, or the refusal (the first line of the message);
2. quantized models: ``check`` against LiteRT's reference kernels and against TFLite Micro,
   then ``verify --target host`` (generated C vs the simulator), and with ``--qemu BOARD``
   also ``verify --target qemu:BOARD``;
3. float models: ``quantize`` with random normal calibration data (int8), then the same
   ``verify`` steps on the ``.esm``.

A step that is refused stops that model's row and names the reason; an internal error
(exit 3) is marked as such, since it is a bug. Nothing depends on a model's file name.

Run: python -m bench.model_zoo ../shared/models [--qemu mps2-an386] [--samples 50]
     [--publish]   (writes the table into docs/BENCHMARKS.md)
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from bench.common import REPO, markdown_table, publish

STEP_TIMEOUT_S = 900


@dataclass
class ZooRow:
    model: str
    ops: str = ""
    steps: list[str] = field(default_factory=list)
    refused: str = ""
    seconds: float = 0.0

    def cells(self) -> list[str]:
        return [f"`{self.model}`", self.ops, "; ".join(self.steps) or "-",
                self.refused or "-", f"{self.seconds:.0f}"]


def find_models(root: Path) -> list[tuple[Path, Path | None]]:
    """(model, weights or None) for every model file under ``root``, sorted by path."""
    found = []
    for path in sorted(root.rglob("*")):
        suffix = path.suffix.lower()
        if suffix in (".tflite", ".keras"):
            found.append((path, None))
        elif suffix == ".json":
            weights = path.with_name(f"{path.stem}_weights.h5")
            if weights.is_file():
                found.append((path, weights))
        elif suffix in (".h5", ".hdf5") and not path.stem.endswith("_weights"):
            found.append((path, None))
    return found


def cli(*args: str) -> tuple[int, str, str]:
    """Run ``edgesmith ARGS`` in a child process: (exit code, stdout, stderr)."""
    try:
        done = subprocess.run([sys.executable, "-m", "edgesmith", *args], capture_output=True,
                              text=True, timeout=STEP_TIMEOUT_S, cwd=REPO)
    except subprocess.TimeoutExpired:
        return 124, "", f"timed out after {STEP_TIMEOUT_S} s"
    return done.returncode, done.stdout, done.stderr


def _reason(code: int, err: str) -> str:
    lines = [ln.strip() for ln in err.splitlines() if ln.strip().startswith(("error", "Error"))]
    first = (lines or [ln.strip() for ln in err.splitlines() if ln.strip()] or ["(no message)"])[0]
    first = first.split(":", 1)[1].strip() if first.lower().startswith("error:") else first
    first = first.split("; supported")[0]  # the list of what is supported is long
    return ("INTERNAL ERROR: " if code == 3 else "") + first[:160].replace("|", "/")


def _step(row: ZooRow, label: str, *args: str) -> dict | None:
    """Run one JSON step; record ``label: samples/mismatched`` or the refusal."""
    code, out, err = cli(*args, "--json")
    if code not in (0, 1):
        row.refused = f"{label}: {_reason(code, err)}"
        return None
    report = json.loads(out)
    samples, bad = report.get("samples"), report.get("mismatched_samples")
    if samples is not None:
        row.steps.append(f"{label} {bad}/{samples}")
    return report


def run_model(model: Path, weights: Path | None, root: Path, samples: int,
              qemu: str | None) -> ZooRow:
    row = ZooRow(str(model.relative_to(root)))
    start = time.monotonic()
    # paths relative to the repository: messages (and the published table) name no machine
    model = Path(os.path.relpath(model, REPO))
    extra = ("--weights", os.path.relpath(weights, REPO)) if weights else ()
    info = _step(row, "inspect", "inspect", str(model), *extra)
    if info is not None:
        row.ops = str(len(info["ops"]))
        with tempfile.TemporaryDirectory(prefix="edgesmith-zoo-") as tmp:
            target = _quantized(row, model, extra, info, Path(tmp), samples)
            if target is not None:
                n = str(samples)
                _step(row, "host", "verify", str(target), "--target", "host", "--samples", n) \
                    and qemu and _step(row, f"qemu:{qemu}", "verify", str(target), "--target",
                                       f"qemu:{qemu}", "--samples", str(min(samples, 10)))
    row.seconds = time.monotonic() - start
    return row


def _quantized(row: ZooRow, model: Path, extra: tuple, info: dict, tmp: Path,
               samples: int) -> Path | None:
    """The model to verify: the file itself when quantized (after both oracle checks), else
    its int8 quantization with random calibration data."""
    n = str(samples)
    if info.get("quantized"):
        if model.suffix.lower() == ".tflite":
            if _step(row, "litert", "check", str(model), "--samples", n) is None:
                # LiteRT refusing a model (an op it cannot run) leaves TFLite Micro to check
                row.steps.append(f"litert not run ({row.refused.split(': ', 1)[-1][:60]})")
                row.refused = ""
            if _step(row, "tflm", "check", str(model), "--against", "tflm", "--samples",
                     n) is None:
                return None
        return model
    if model.suffix.lower() == ".tflite" and _step(row, "litert float", "check", str(model),
                                                   "--samples", n) is None:
        return None
    if len(info["inputs"]) != 1:
        row.refused = "quantize: the runner calibrates single-input models only"
        return None
    shape = [samples if k == 0 else d for k, d in enumerate(info["inputs"][0]["shape"])]
    calib = tmp / "calib.npy"
    np.save(calib, np.random.default_rng(0).standard_normal(shape).astype(np.float32))
    esm = tmp / "model.esm"
    code, _, err = cli("quantize", str(model), *extra, "--calib", str(calib), "-o", str(esm))
    if code != 0:
        row.refused = f"quantize: {_reason(code, err)}"
        return None
    row.steps.append("quantized int8")
    return esm


def zoo_table(rows: list[ZooRow]) -> str:
    header = ["model", "ops", "steps (mismatched/samples)", "refused at", "s"]
    ran = sum(not r.refused for r in rows)
    internal = sum("INTERNAL ERROR" in r.refused for r in rows)
    return (markdown_table(header, [r.cells() for r in rows]) +
            f"\n\n{len(rows)} models: {ran} through every step, {len(rows) - ran} refused "
            f"({internal} internal errors). Where LiteRT and TFLite Micro disagree (the LSTM "
            "models: docs/COVERAGE.md says why), edgesmith equals TFLite Micro, the runtime "
            "that runs on microcontrollers.")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--qemu", metavar="BOARD")
    parser.add_argument("--samples", type=int, default=50)
    parser.add_argument("--publish", action="store_true")
    args = parser.parse_args(argv)
    root = args.folder.resolve()
    models = find_models(root)
    if not models:
        print(f"no model files under {args.folder}", file=sys.stderr)
        return 2
    rows = []
    for model, weights in models:
        rows.append(run_model(model, weights, root, args.samples, args.qemu))
        print(" | ".join(rows[-1].cells()), flush=True)
    table = zoo_table(rows)
    print(table)
    if args.publish:
        qemu = f" --qemu {args.qemu}" if args.qemu else ""
        publish("model_zoo", "Model zoo: every shared model through the CLI",
                f"python -m bench.model_zoo ../shared/models{qemu} --samples {args.samples} "
                "--publish", table)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
