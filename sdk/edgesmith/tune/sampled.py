"""Sampled searches (``--trials N``) with Optuna's TPE sampler, multi-objective over
(accuracy up; instructions, RAM, flash down): in this process through an Optuna study, or
on Ray through Ray Tune's OptunaSearch. The sampler is seeded, so a serial search samples
the same configurations every time; on Ray the order results arrive in may steer it."""

from __future__ import annotations

import shutil
import tempfile
from typing import Any

from .cache import cache_dir
from .runners import MAX_RETRIES, Done
from .space import Range, SearchSpace, complete
from .trial import TrialInputs, run_trial

METRICS = ("accuracy", "instructions", "ram", "flash")
MODES = ("max", "min", "min", "min")
#: what a failed trial reports to the sampler: the worst of every objective
_WORST = {"accuracy": 0.0, "instructions": 1e18, "ram": 1e18, "flash": 1e18}


def objectives(row: dict[str, Any]) -> dict[str, float]:
    """The numbers the sampler sees (a number not measured, e.g. flash on host, is 0)."""
    if row["status"] != "ok":
        return dict(_WORST)
    return {m: float(row[m] or 0) for m in METRICS}


def _sampler(seed: int):
    import optuna

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    # TPE (multi-objective); NSGA-II holds a lock, which Ray Tune cannot ship to its loop
    return optuna.samplers.TPESampler(seed=seed)


def run_sampled_serial(space: SearchSpace, inputs: TrialInputs, trials: int, seed: int,
                       done: Done) -> None:
    import optuna

    study = optuna.create_study(directions=["maximize" if m == "max" else "minimize"
                                            for m in MODES], sampler=_sampler(seed))
    for _ in range(trials):
        trial = study.ask()
        config = complete({n: _suggest(trial, n, p) for n, p in space.parameters.items()})
        row = run_trial(inputs, config)
        study.tell(trial, [objectives(row)[m] for m in METRICS])
        done(row)


def _suggest(trial, name: str, p):
    if isinstance(p, Range):
        if p.is_int:
            return trial.suggest_int(name, int(p.low), int(p.high), step=p.step)
        return trial.suggest_float(name, float(p.low), float(p.high))
    return trial.suggest_categorical(name, list(p))


def run_sampled_ray(ray, space: SearchSpace, inputs: TrialInputs, trials: int, seed: int,
                    workers: int, done: Done) -> None:
    """Ray Tune with OptunaSearch; a trial whose worker died is restarted (max_failures)."""
    import os

    os.environ.setdefault("RAY_AIR_NEW_OUTPUT", "0")  # Tune's tables would go to our stdout
    from ray import tune
    from ray.tune.search import ConcurrencyLimiter
    from ray.tune.search.optuna import OptunaSearch

    def trainable(config, inputs=None):
        row = run_trial(inputs, complete(config))
        tune.report({**objectives(row), "row": row})

    param_space = {n: _tune_domain(tune, p) for n, p in space.parameters.items()}
    search = OptunaSearch(metric=list(METRICS), mode=list(MODES), sampler=_sampler(seed))
    storage = tempfile.mkdtemp(prefix="ray-tune-", dir=_scratch())
    tuner = tune.Tuner(
        tune.with_resources(tune.with_parameters(trainable, inputs=inputs), {"cpu": 1}),
        param_space=param_space,
        tune_config=tune.TuneConfig(search_alg=ConcurrencyLimiter(search, workers),
                                    num_samples=trials),
        run_config=tune.RunConfig(storage_path=storage, verbose=0,
                                  failure_config=tune.FailureConfig(max_failures=MAX_RETRIES)))
    try:
        for result in tuner.fit():
            if result.metrics and "row" in result.metrics:
                done(result.metrics["row"])
    finally:  # the rows are the record; Tune's own trial folders are not kept
        shutil.rmtree(storage, ignore_errors=True)


def _tune_domain(tune, p):
    if isinstance(p, Range):
        if p.is_int:
            return tune.qrandint(int(p.low), int(p.high), p.step)
        return tune.uniform(float(p.low), float(p.high))
    return tune.choice(list(p))


def _scratch():
    folder = cache_dir() / "ray"
    folder.mkdir(parents=True, exist_ok=True)
    return folder
