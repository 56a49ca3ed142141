"""Runners of an exhaustive grid: serial in this process, or one plain Ray task per trial.
Each hands every finished row to ``done`` as it arrives (the search writes the table then,
so a killed search keeps what it measured). A Ray task whose worker dies is retried
(``max_retries``); only a finished trial stores a result, so it is measured once."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .trial import TrialInputs, run_trial

#: times Ray reruns a trial whose worker process died
MAX_RETRIES = 3

Done = Callable[[dict[str, Any]], None]


def run_serial(inputs: TrialInputs, configs: list[dict[str, Any]], done: Done) -> None:
    for config in configs:
        done(run_trial(inputs, config))


def run_ray_tasks(ray, inputs: TrialInputs, configs: list[dict[str, Any]], done: Done) -> None:
    """Every configuration as a Ray task on the session's workers (one CPU each)."""
    if not configs:
        return
    task = ray.remote(num_cpus=1, max_retries=MAX_RETRIES)(run_trial)
    shared = ray.put(inputs)
    pending = [task.remote(shared, c) for c in configs]
    while pending:
        ready, pending = ray.wait(pending, num_returns=1)
        done(ray.get(ready[0]))
