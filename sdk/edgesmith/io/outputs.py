"""Output files and folders: checked before any work, written atomically, with the umask's mode.

Every command that writes (``-o``) first calls :func:`check_output_file` or
:func:`check_output_folder`, so a path that cannot be written is refused with
exit 2 before anything runs. Files are written through a temporary file in
the target folder that is renamed over the destination once complete;
:func:`remove_stale_staging` deletes what a killed earlier run left behind.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from ..errors import BadArgumentError

#: suffixes of the hidden staging entries next to a target (".<name>.<random>.tmp")
_STAGING_SUFFIXES = (".tmp", ".old")


def umask_mode(base: int = 0o666) -> int:
    """``base`` with the process umask applied (what ``open`` would have given)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return base & ~mask


def _writable_parent(path: Path, what: str) -> None:
    parent = Path(os.path.abspath(path)).parent
    for ancestor in [parent, *parent.parents]:
        if ancestor.exists():
            if not ancestor.is_dir():
                raise BadArgumentError(f"{what} {path}: {ancestor} is a file, not a folder",
                                       hint="choose an output path inside a folder")
            try:  # a real probe: permission bits do not tell for root, /proc or read-only mounts
                tempfile.TemporaryDirectory(prefix=".edgesmith-probe.", dir=ancestor).cleanup()
            except OSError as exc:
                raise BadArgumentError(f"{what} {path}: cannot write in folder {ancestor} "
                                       f"({exc.strerror})",
                                       hint="choose a folder you can write to") from None
            return


def check_output_file(path: Path, what: str = "output") -> Path:
    """Refuse an output file path that is a folder or cannot be created."""
    path = Path(path)
    if path.is_dir():
        raise BadArgumentError(f"{what} {path} is a folder; expected a file name",
                               hint=f"e.g. {path / 'out'}{path.suffix or ''}")
    _writable_parent(path, what)
    return path


def check_output_folder(path: Path, what: str = "output folder") -> Path:
    """Refuse an output folder path that is a file or cannot be created."""
    path = Path(path)
    if path.exists() and not path.is_dir():
        raise BadArgumentError(f"{what} {path} is a file; expected a folder")
    _writable_parent(path, what)
    return path


def remove_stale_staging(target: Path) -> list[Path]:
    """Delete the hidden staging entries of ``target`` that an interrupted run left."""
    target = Path(target).absolute()
    removed = []
    if not target.parent.is_dir():
        return removed
    for entry in target.parent.glob(f".{target.name}.*"):
        if entry.name.endswith(_STAGING_SUFFIXES):
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry, ignore_errors=True)
            else:
                entry.unlink(missing_ok=True)
            removed.append(entry)
    return removed


def write_file_atomically(path: Path, write: Callable[[BinaryIO], None]) -> Path:
    """Call ``write(file)`` on a temporary file, then rename it to ``path`` (umask mode)."""
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        remove_stale_staging(path)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise BadArgumentError(f"cannot write {path} ({exc.strerror})") from None
    try:
        os.fchmod(fd, umask_mode())  # mkstemp makes it private
        with os.fdopen(fd, "wb") as fh:
            write(fh)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path
