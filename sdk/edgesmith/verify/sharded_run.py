"""Run the shards of a large verification here, one after another, or on Ray workers.

Each shard builds (from the cache after the first) and runs the model's code on its samples
against the simulator and returns its :class:`CheckReport`; :func:`merge_reports` makes one
report of them. On Ray (``workers`` > 1, or ``address`` of a running cluster) a shard is a
task retried when its worker dies, so a killed worker costs one shard's rerun, never a
sample counted twice or missing. A stateful model's samples are time steps: each shard runs
them as one sequence from fresh state.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ..codegen.options import CodeOptions
from ..errors import BadArgumentError, EdgesmithError
from ..ir import Graph
from ..report.check_report import CheckReport
from .shards import SHARD_SAMPLES, Shard, merge_reports, plan_shards, shard_batch

#: a shard whose worker died is run again this many times before the run fails
SHARD_RETRIES = 3


def run_shard(graph: Graph, where: str, shard: Shard, seed: int,
              user: dict[str, np.ndarray] | None, options: CodeOptions | None,
              label: str, mixed=None, code_dir=None) -> CheckReport:
    """One shard on ``where`` (``host`` or ``qemu:BOARD``) against the simulator; the code
    is generated with ``options``, or taken from the folder ``code_dir``."""
    batch = shard_batch(graph, shard, seed, user)
    if where == "host":
        from .host import verify_host
        return verify_host(graph, batch, options=options, label=label, mixed=mixed,
                           code_dir=code_dir)
    from .qemu import verify_qemu
    return verify_qemu(graph, batch, board=where.removeprefix("qemu:"), label=label,
                       options=options, mixed=mixed, code_dir=code_dir)


def verify_in_shards(graph: Graph, where: str, samples: int, seed: int, *,
                     user: dict[str, np.ndarray] | None = None,
                     options: CodeOptions | None = None, label: str | None = None,
                     mixed=None, workers: int = 1, address: str | None = None,
                     code_dir=None, shard_size: int = SHARD_SAMPLES,
                     advance: Callable[[int], None] | None = None) -> CheckReport:
    """``user`` inputs (prepared, if any) then ``samples`` random ones on ``where``, in
    shards of ``shard_size``: here when ``workers`` is 1 and no ``address`` is given, else
    on Ray (a local instance of ``workers`` processes, or the cluster at ``address``).
    ``advance(n)`` is told each finished shard's sample count."""
    if workers < 1:
        raise BadArgumentError(f"--workers must be at least 1, not {workers}")
    if where != "host" and not where.startswith("qemu:"):
        raise BadArgumentError(f"sharded verification runs on host or qemu:BOARD, not {where!r}",
                               hint="a board at a serial port and hls-csim run in one process")
    if not graph.is_quantized():
        raise EdgesmithError(f"{graph.name}: generated code runs integer models; quantize it "
                             "first")
    label = label or graph.name
    user_count = 0 if user is None else int(next(iter(user.values())).shape[0])
    shards = plan_shards(user_count, samples, shard_size)
    if workers == 1 and address is None:
        reports = []
        for shard in shards:
            reports.append(run_shard(graph, where, shard, seed, user, options, label, mixed,
                                     code_dir))
            if advance is not None:
                advance(shard.count)
    else:
        reports = _on_ray(graph, where, shards, seed, (user, options, mixed, code_dir), label,
                          workers, address, advance)
    return merge_reports(label, shards, reports)


def _shard_task(graph: Graph, where: str, shard: Shard, seed: int, shared: tuple,
                label: str) -> CheckReport:
    """A shard on a Ray worker; ``shared`` is (user inputs, options, mixed, code_dir)."""
    user, options, mixed, code_dir = shared
    return run_shard(graph, where, shard, seed, user, options, label, mixed, code_dir)


def _on_ray(graph, where, shards, seed, shared, label, workers, address,
            advance) -> list[CheckReport]:
    from ..distributed import ray_session, task_result

    with ray_session(workers, address) as ray:
        task = ray.remote(max_retries=SHARD_RETRIES)(_shard_task)
        graph_ref, shared_ref = ray.put(graph), ray.put(shared)  # sent once, read by every shard
        refs = [task.remote(graph_ref, where, shard, seed, shared_ref, label) for shard in shards]
        reports: list[CheckReport | None] = [None] * len(shards)
        waiting = list(refs)
        while waiting:
            done, waiting = ray.wait(waiting, num_returns=1)
            i = refs.index(done[0])
            reports[i] = task_result(ray, done[0])
            if advance is not None:
                advance(shards[i].count)
    return reports  # type: ignore[return-value]
