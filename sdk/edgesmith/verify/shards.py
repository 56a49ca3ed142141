"""Large verification runs in shards: which samples each shard holds, and one report of all.

A run of ``samples`` random inputs (after the user's own inputs) is cut into shards of at
most ``size`` samples; each shard is one build-and-run of the code (one QEMU boot, or one
load of the host library) and can run anywhere (:mod:`edgesmith.verify.sharded_run`). The
random inputs of a shard depend only on the seed and the shard's index, never on how many
workers ran it, so a run on eight workers compares exactly the samples a serial run
compares; shard 0 draws with the plain seed, as an unsharded run does, so ``--samples 100``
keeps its inputs. Memory stays bounded by one shard's batch, whatever the sample count.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import BadArgumentError
from ..ir import Graph
from ..report.check_report import CheckReport

#: samples per shard by default: one QEMU boot or host library load runs this many
SHARD_SAMPLES = 2_000


@dataclass(frozen=True)
class Shard:
    """Samples ``start`` .. ``start + count`` of the run; ``user`` of them (first) are the
    user's inputs, the rest random inputs drawn for shard ``index``."""

    index: int
    start: int
    count: int
    user: int


def plan_shards(user_samples: int, random_samples: int, size: int = SHARD_SAMPLES) -> list[Shard]:
    """The user's samples then ``random_samples`` random ones, in shards of at most
    ``size``; the user's inputs all go in shard 0 (they are few and already in memory)."""
    if size < 1:
        raise BadArgumentError(f"shard size must be at least 1 sample, not {size}")
    shards, start, index = [], 0, 0
    first = min(random_samples, size)
    shards.append(Shard(0, 0, user_samples + first, user_samples))
    start, left = user_samples + first, random_samples - first
    while left > 0:
        index += 1
        count = min(left, size)
        shards.append(Shard(index, start, count, 0))
        start, left = start + count, left - count
    return shards


def shard_batch(graph: Graph, shard: Shard, seed: int,
                user: dict[str, np.ndarray] | None) -> dict[str, np.ndarray]:
    """The inputs of ``shard``: the user's (prepared, in shard 0) then its random samples."""
    from ..sim.inputs import random_inputs

    drawn = shard.count - shard.user
    rng_seed = seed if shard.index == 0 else [seed, shard.index]
    parts = [random_inputs(graph, drawn, rng_seed)]
    if shard.user:
        parts.insert(0, {n: user[n] for n in graph.inputs})
    return {n: np.concatenate([p[n] for p in parts]) for n in graph.inputs}


def merge_reports(label: str, shards: list[Shard], reports: list[CheckReport]) -> CheckReport:
    """One report of every shard's: samples and mismatches summed, the first mismatch of
    the earliest shard with a mismatch, its sample numbered in the whole run."""
    merged = CheckReport(label, 0, 0)
    for shard, report in sorted(zip(shards, reports), key=lambda pair: pair[0].start):
        merged.samples += report.samples
        merged.mismatched_samples += report.mismatched_samples
        if merged.first_mismatch is None and report.first_mismatch is not None:
            merged.first_mismatch = {**report.first_mismatch,
                                     "sample": shard.start + report.first_mismatch["sample"]}
        if merged.code is None:
            merged.code = report.code
    return merged
