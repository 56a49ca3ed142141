"""A search from start to table: the configurations of a space run on a runner, every
finished row written to the results table at once, trials the table already holds skipped,
then the Pareto front and the best configuration under the space's constraints."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import BadArgumentError
from .cache import config_id
from .pareto import best, pareto_front
from .results import read_results, write_results
from .space import SearchSpace
from .trial import TrialInputs

RUNNERS = ("ray", "serial")


@dataclass
class SearchResult:
    rows: list[dict[str, Any]]
    front: list[dict[str, Any]]
    best: dict[str, Any] | None
    constraints: dict[str, float]
    #: trials run now (the others came from the results table)
    ran: int
    seconds: float


def run_search(space: SearchSpace, inputs: TrialInputs, *, results: Path | None = None,
               runner: str = "ray", trials: int | None = None, seed: int = 0,
               address: str | None = None, workers: int | None = None,
               on_row: Callable[[dict[str, Any]], None] | None = None) -> SearchResult:
    """Run the grid of ``space`` (or ``trials`` sampled configurations) and return every row;
    ``results`` (.csv or .parquet) is read first and rewritten after every trial."""
    if runner not in RUNNERS:
        raise BadArgumentError(f"runner {runner!r}: choose {' or '.join(RUNNERS)}")
    if trials is not None and trials < 1:
        raise BadArgumentError("--trials must be 1 or more")
    grid = space.grid() if trials is None else None
    rows = read_results(results) if results is not None else []
    if any(r["inputs"] != inputs.inputs_id for r in rows):
        raise BadArgumentError(f"--results {results} holds trials of another model, other data "
                               "or another edgesmith version; they cannot be resumed",
                               hint="give a new results file")
    have = {r["trial"] for r in rows}
    ran = 0

    def done(row: dict[str, Any]) -> None:
        nonlocal ran
        ran += 1
        if row["trial"] in have:  # sampled twice: measured (or cached) once, listed once
            return
        have.add(row["trial"])
        rows.append(row)
        if results is not None:
            write_results(results, rows)
        if on_row is not None:
            on_row(row)

    started = time.monotonic()
    if grid is not None:
        _run_grid([c for c in grid if config_id(c) not in have], inputs, runner, address,
                  workers, done)
        order = {config_id(c): i for i, c in enumerate(grid)}
        rows.sort(key=lambda r: order.get(r["trial"], len(order)))
        searched = [r for r in rows if r["trial"] in order]  # the table may hold more
    else:
        _run_sampled(space, inputs, max(0, trials - len(rows)), seed, runner, address, workers,
                     done)
        searched = rows
    if results is not None and rows:
        write_results(results, rows)
    return SearchResult(searched, pareto_front(searched), best(searched, space.constraints),
                        space.constraints, ran, time.monotonic() - started)


def _run_grid(configs, inputs, runner, address, workers, done) -> None:
    from .runners import run_ray_tasks, run_serial

    if runner == "serial":
        run_serial(inputs, configs, done)
        return
    from ..distributed import ray_session

    with ray_session(workers=workers or 0, address=address) as ray:
        run_ray_tasks(ray, inputs, configs, done)


def _run_sampled(space, inputs, trials, seed, runner, address, workers, done) -> None:
    from .sampled import run_sampled_ray, run_sampled_serial

    if trials == 0:
        return
    if runner == "serial":
        run_sampled_serial(space, inputs, trials, seed, done)
        return
    from ..distributed import ray_session

    with ray_session(workers=workers or 0, address=address) as ray:
        cpus = int(ray.cluster_resources().get("CPU", 1))
        run_sampled_ray(ray, space, inputs, trials, seed, max(1, cpus), done)
