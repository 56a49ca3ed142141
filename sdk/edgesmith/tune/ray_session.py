"""One Ray session for edgesmith's distributed work (`tune` now; `verify` shards can reuse
it): a private local instance on loopback, one worker per core, no dashboard; or an existing
cluster at ``ray://HOST:PORT``. Started and stopped in one place."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

from ..errors import BadArgumentError, EdgesmithError


def require_ray():
    try:
        import ray
    except ImportError:
        raise EdgesmithError("the Ray runner needs Ray", hint="install edgesmith[tune], or "
                             "run serially with --runner serial") from None
    return ray


def check_address(address: str | None) -> None:
    if address is not None and not (address.startswith("ray://") and
                                    address[6:].rpartition(":")[2].isdigit()):
        raise BadArgumentError(f"--address {address!r}: give ray://HOST:PORT (a Ray client "
                               "server, port 10001 by default)")


@contextmanager
def ray_session(address: str | None = None, workers: int | None = None) -> Iterator[object]:
    """Ray initialised for the block: ``address`` joins a cluster; without it a local
    instance on 127.0.0.1 with ``workers`` CPUs (default: one per core) is started, and shut
    down afterwards. Yields the ``ray`` module."""
    ray = require_ray()
    check_address(address)
    if ray.is_initialized():  # a caller's session (a test's, a notebook's): use it as it is
        yield ray
        return
    if address is not None:
        try:
            ray.init(address=address, log_to_driver=False)
        except Exception as exc:  # noqa: BLE001 - any failure to connect is the same problem
            raise EdgesmithError(f"cannot connect to the Ray cluster at {address}: {exc}",
                                 hint="check that its client server listens there") from None
    else:
        ray.init(num_cpus=workers or os.cpu_count() or 1, include_dashboard=False,
                 _node_ip_address="127.0.0.1", log_to_driver=False,
                 configure_logging=False)
    try:
        yield ray
    finally:
        ray.shutdown()
