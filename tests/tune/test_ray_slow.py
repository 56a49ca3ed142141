"""The Ray runners on a local instance this module starts on loopback with two worker
processes: a grid of 12 trials (widths and patch plans of the small CNN, on the emulated
board) measures exactly what the serial runner measures, trial for trial; a worker killed
during a trial is replaced and every trial is measured once; Ray Tune's sampled trials
equal serial trials of the same configurations."""

import dataclasses
import os
import signal
import threading
import time
from pathlib import Path

import pytest

from edgesmith.tune import load_space, run_search, run_trial
from edgesmith.distributed import ray_session
from edgesmith.tune.trial import MEASURES

pytestmark = pytest.mark.slow

# 3 weight widths (int8, 4-bit, 2-bit) x 2 patch plans (none, 1:2) x 2 weight layouts = 12
# trials (4- and 2-bit weights with a patch plan are trials that cannot be built: rows too)
GRID = {"parameters": {"scheme": ["int8", "subbyte"], "weight_bits": [4, 2],
                       "patch": ["none", "1:2"], "optimize": ["speed", "size"],
                       "board": ["mps2-an386"]}}


@pytest.fixture(scope="module")
def ray_cache(tmp_path_factory):
    """Ray started by this module (2 CPUs, 127.0.0.1); its workers cache in their own folder."""
    folder = tmp_path_factory.mktemp("ray_cache")
    old = os.environ.get("EDGESMITH_CACHE")
    os.environ["EDGESMITH_CACHE"] = str(folder)  # the workers inherit it when Ray starts
    try:
        with ray_session(workers=2) as ray:
            assert ray.cluster_resources()["CPU"] == 2
            yield folder
    finally:
        if old is None:
            os.environ.pop("EDGESMITH_CACHE", None)
        else:
            os.environ["EDGESMITH_CACHE"] = old


def serial(space, inputs, cache: Path, **kwargs):
    """The same search in this process, with a cache of its own (nothing read from Ray's)."""
    os.environ["EDGESMITH_CACHE"] = str(cache)
    return run_search(space, inputs, runner="serial", **kwargs).rows


def measured(rows):
    return [{k: r[k] for k in r if k != "seconds"} for r in rows]


def test_ray_tasks_equal_the_serial_runner_trial_for_trial(ray_cache, cnn_inputs, tmp_path):
    space = load_space(GRID)
    os.environ["EDGESMITH_CACHE"] = str(ray_cache)
    on_ray = run_search(space, cnn_inputs, runner="ray", results=tmp_path / "ray.csv")
    assert len(on_ray.rows) == 12 and on_ray.ran == 12
    assert len(list(ray_cache.rglob("result.json"))) == 12  # measured on the workers
    here = serial(space, cnn_inputs, tmp_path / "serial-cache")
    assert measured(on_ray.rows) == measured(here)
    ok = [r for r in here if r["status"] == "ok"]
    assert len(ok) == 8  # sub-byte weights with a patch plan do not build
    assert all(r[m] is not None for r in ok for m in MEASURES)


def _trial_processes() -> list[int]:
    """Ray workers running a trial now (Ray titles a busy worker ray::<function>)."""
    pids = []
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and \
                    (entry / "cmdline").read_bytes().startswith(b"ray::run_trial"):
                pids.append(int(entry.name))
        except OSError:
            continue
    return pids


def test_a_killed_worker_is_replaced_and_every_trial_measured_once(ray_cache, cnn_inputs,
                                                                    tmp_path):
    # other calibration data: other cache keys, so every trial runs on Ray again
    inputs = dataclasses.replace(cnn_inputs, calib=cnn_inputs.calib[:12])
    space = load_space(GRID)
    os.environ["EDGESMITH_CACHE"] = str(ray_cache)
    out = {}
    search = threading.Thread(target=lambda: out.update(result=run_search(
        space, inputs, runner="ray", results=tmp_path / "killed.csv")))
    search.start()
    killed = None
    deadline = time.monotonic() + 300
    while killed is None and time.monotonic() < deadline and search.is_alive():
        busy = _trial_processes()
        if busy:
            killed = busy[0]
            os.kill(killed, signal.SIGKILL)
        time.sleep(0.05)
    search.join(600)
    assert killed is not None, "no worker was seen running a trial"
    rows = out["result"].rows
    assert len(rows) == 12 and len({r["trial"] for r in rows}) == 12
    assert measured(rows) == measured(serial(space, inputs, tmp_path / "serial-cache"))


def test_ray_tune_samples_measure_what_serial_trials_measure(ray_cache, cnn_inputs, tmp_path):
    space = load_space({"parameters": {"scheme": ["int8", "subbyte", "fixed"],
                                       "weight_bits": {"min": 4, "max": 8, "step": 4},
                                       "patch": ["none", "auto"], "board": ["host"]}})
    os.environ["EDGESMITH_CACHE"] = str(ray_cache)
    sampled = run_search(space, cnn_inputs, runner="ray", trials=6, seed=3).rows
    assert 1 <= len(sampled) <= 6 and len({r["trial"] for r in sampled}) == len(sampled)
    os.environ["EDGESMITH_CACHE"] = str(tmp_path / "serial-cache")
    for row in sampled:
        config = {k: row[k] for k in space.grid()[0]}
        again = run_trial(cnn_inputs, config)
        assert measured([again]) == measured([row])
