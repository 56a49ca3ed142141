"""Ray for work spread over processes or machines: one place that starts and joins it.

``ray_session(workers)`` starts a local Ray instance of ``workers`` worker processes on
loopback (no dashboard, no cluster needed); ``ray_session(workers, address)`` joins the
cluster at ``address`` (``ray://HOST:PORT``, or ``auto``). A session opened here is shut
down on leaving; one that was already running (a user's own ``ray.init``, a test's) is used
as it is. `tune` and `verify --workers/--address` both run here.
Ray is optional (``pip install edgesmith[tune]``); without it the error says so.
"""

from __future__ import annotations

import contextlib
import logging
import os
import warnings
from collections.abc import Iterator

from .errors import BadArgumentError, EdgesmithError, UnsupportedError


def import_ray():
    try:
        import ray
    except ImportError:
        raise UnsupportedError("Ray is not installed; running on several workers needs it",
                               hint="pip install 'edgesmith[tune]', or run in one process "
                                    "(verify: --workers 1; tune: --runner serial)")
    return ray


def check_address(address: str | None) -> None:
    """A clear refusal of an ``--address`` that names no Ray cluster, before any work."""
    if address is None or address == "auto":
        return
    if not (address.startswith("ray://") and address[6:].rpartition(":")[2].isdigit()):
        raise BadArgumentError(f"--address {address!r} is no Ray cluster address",
                               hint="write ray://HOST:PORT (the head's client server, port "
                                    "10001 by default) or auto")


@contextlib.contextmanager
def ray_session(workers: int = 0, address: str | None = None) -> Iterator:
    """Ray, initialized for the block: ``workers`` local processes (0: one per core) or
    the cluster at ``address``. Yields the ``ray`` module."""
    ray = import_ray()
    check_address(address)
    if ray.is_initialized():
        yield ray
        return
    quiet = {"include_dashboard": False, "logging_level": logging.ERROR,
             "log_to_driver": False}
    logging.getLogger("ray").setLevel(logging.ERROR)  # its notices are not the user's business
    try:
        with warnings.catch_warnings():  # a connection timeout is reported below, once
            warnings.simplefilter("ignore")
            _init(ray, workers, address, quiet)
    except ConnectionError as err:
        raise EdgesmithError(f"cannot reach the Ray cluster at {address}: {err}",
                             hint="start it with `ray start --head` or check the address")
    try:
        yield ray
    finally:
        ray.shutdown()


def _init(ray, workers: int, address: str | None, quiet: dict) -> None:
    if address is None:  # local workers inherit this process's environment
        ray.init(num_cpus=workers or os.cpu_count(), _node_ip_address="127.0.0.1", **quiet)
    else:
        ray.init(address=address, logging_level=logging.ERROR, log_to_driver=False)


def task_result(ray, ref):
    """``ray.get(ref)``; an edgesmith error raised in the task comes out as itself (one clear
    message), not wrapped in Ray's remote traceback."""
    try:
        return ray.get(ref)
    except ray.exceptions.RayTaskError as err:
        cause = getattr(err, "cause", None)
        if isinstance(cause, EdgesmithError):
            raise cause from None
        raise
