"""Shared pieces of the benchmarks: where the shared models are, and publishing tables.

Each benchmark writes its table into docs/BENCHMARKS.md between the markers
``<!-- bench:NAME -->`` and ``<!-- /bench:NAME -->``, together with the command
that reproduces it and the machine it ran on, replacing the previous run.
"""

from __future__ import annotations

import os
import platform
import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED_MODELS = (REPO / ".." / "shared" / "models").resolve()
BENCHMARKS_MD = REPO / "docs" / "BENCHMARKS.md"

MLPERF_INT8 = {
    "vww_96_int8": "mlperf_tiny/vww_96_int8.tflite",
    "kws_ref_model": "mlperf_tiny/kws_ref_model.tflite",
    "pretrainedResnet_quant": "mlperf_tiny/pretrainedResnet_quant.tflite",
    "ad01_int8": "mlperf_tiny/ad01_int8.tflite",
}


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}"


def markdown_table(header: list[str], rows: list[list]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def publish(name: str, title: str, command: str, body: str) -> None:
    """Replace (or append) the section ``name`` of docs/BENCHMARKS.md."""
    section = (f"<!-- bench:{name} -->\n## {title}\n\nReproduce: `{command}`  \n"
               f"Machine: {machine()}\n\n{body.strip()}\n<!-- /bench:{name} -->")
    text = BENCHMARKS_MD.read_text() if BENCHMARKS_MD.exists() else (
        "# Benchmarks\n\nEvery table is written by a script in `bench/`; the command under "
        "each title reproduces it. Peers run in the same process and the same run.\n")
    pattern = re.compile(rf"<!-- bench:{re.escape(name)} -->.*?<!-- /bench:{re.escape(name)} -->",
                         re.S)
    text = pattern.sub(lambda _: section, text) if pattern.search(text) else (
        text.rstrip() + "\n\n" + section + "\n")
    BENCHMARKS_MD.parent.mkdir(parents=True, exist_ok=True)
    BENCHMARKS_MD.write_text(text)
    print(f"wrote section {name!r} of {BENCHMARKS_MD.relative_to(REPO)}")
