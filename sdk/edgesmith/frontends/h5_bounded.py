"""Read an HDF5 file in a forked child process with a time limit.

A few damaged bytes in a Keras ``.h5`` can make libhdf5 loop for ever inside C
(seen reading the variable-length ``model_config`` attribute of a fuzzed
file). No Python timeout reaches a loop in C, so the read runs in a child:
its result comes back through a pipe, and a child that takes longer than
:data:`READ_SECONDS` is killed and the file refused. Where ``os.fork`` does
not exist the read runs in this process.
"""

from __future__ import annotations

import os
import pickle
import select
import signal
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from ..errors import ModelFormatError

#: longest an HDF5 read may take (the shared models take well under a second)
READ_SECONDS = 30.0
_HINT = "the file is damaged; save the model again from Keras"
T = TypeVar("T")


def read_bounded(path: Path, read: Callable[[], T]) -> T:
    """``read()`` run in a child process: its (picklable) result, or the exception it raised."""
    if not hasattr(os, "fork"):
        return read()
    receive, send = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns
        os.close(receive)
        _run_child(send, path, read)
    os.close(send)
    try:
        data = _read_until(receive, time.monotonic() + READ_SECONDS, path)
    finally:
        os.close(receive)
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        os.waitpid(pid, 0)
    if not data:
        raise ModelFormatError(f"{path}: reading this HDF5 file crashed the reader",
                               hint=_HINT)
    ok, payload = pickle.loads(data)
    if ok:
        return payload
    raise payload


def _run_child(send: int, path: Path, read: Callable) -> None:
    try:
        try:
            result = (True, read())
        except BaseException as exc:  # noqa: BLE001  (the parent re-raises it)
            result = (False, exc)
        try:
            data = pickle.dumps(result)
        except Exception as exc:  # noqa: BLE001  (an exception that does not pickle)
            data = pickle.dumps((False, ModelFormatError(
                f"{path}: reading this HDF5 file failed ({type(exc).__name__}: {exc})")))
        with os.fdopen(send, "wb") as fh:
            fh.write(data)
    finally:
        os._exit(0)


def _read_until(fd: int, deadline: float, path: Path) -> bytes:
    chunks = []
    while True:
        left = deadline - time.monotonic()
        if left <= 0 or not select.select([fd], [], [], left)[0]:
            raise ModelFormatError(f"{path}: reading this HDF5 file did not finish in "
                                   f"{READ_SECONDS:g} s", hint=_HINT)
        chunk = os.read(fd, 1 << 20)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)
