"""A fuzz batch on the simulator built with AddressSanitizer and UndefinedBehaviorSanitizer:
every mutant runs or is refused, and the sanitizers find nothing (any finding is fatal)."""

from __future__ import annotations

import numpy as np
import pytest

from tests.fuzz.runner import SUFFIXES, default_seeds, mutants
from tests.fuzz.sanitized_sim import build_sanitized_sim, run_sanitized

pytestmark = pytest.mark.slow
COUNT = 200


def test_fuzz_batch_on_the_sanitized_simulator(tmp_path):
    so_path = build_sanitized_sim(tmp_path)
    rng = np.random.default_rng(21)
    seeds = [s for s in default_seeds() if s.kind in ("tflite", "array", "keras_json")]
    lines = []
    for k, (s, blob) in enumerate(mutants(seeds, COUNT, rng)):
        path = tmp_path / f"m{k}{SUFFIXES[s.kind]}"
        path.write_bytes(blob)
        lines.append(f"{s.kind}\t{path}\t{s.partner or ''}")
    # the unmutated seeds too: the batch must run real models through every kernel they use
    for k, s in enumerate(seeds):
        path = tmp_path / f"seed{k}{SUFFIXES[s.kind]}"
        path.write_bytes(s.blob)
        lines.append(f"{s.kind}\t{path}\t{s.partner or ''}")
    jobs = tmp_path / "jobs.tsv"
    jobs.write_text("\n".join(lines))
    proc = run_sanitized(so_path, jobs)
    assert proc.returncode == 0, proc.stderr[-4000:]
    assert "AddressSanitizer" not in proc.stderr and "runtime error" not in proc.stderr
    ran, refused = (int(w) for w in proc.stdout.split()[1::2])
    assert ran + refused == COUNT + len(seeds) and ran >= len(seeds)
