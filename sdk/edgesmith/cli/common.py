"""What every CLI command shares: output (human or JSON), errors, input files."""

from __future__ import annotations

import functools
import json
import sys
from contextlib import AbstractContextManager, contextmanager, nullcontext
from pathlib import Path
from typing import Any, Callable

import numpy as np
import typer
from rich.console import Console
from rich.text import Text

from ..errors import EdgesmithError

# Piped output is not wrapped at 80 columns: tables stay one row per op. Markup is off:
# messages quote file names, tensor names and hints ("install edgesmith[keras]"), which are
# text; colour comes only through say() and rich Text.
console = Console(width=None if sys.stdout.isatty() else 160, markup=False)
err_console = Console(stderr=True, width=None if sys.stderr.isatty() else 160, markup=False)

JSON_OPTION = typer.Option(False, "--json", help="Print one machine-readable JSON object.")
SEED_OPTION = typer.Option(0, "--seed", min=0, max=2**63 - 1,
                           help="Seed of the random inputs (0 or more).")


def _to_jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _to_jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_to_jsonable(v) for v in value]
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, Path):
        return str(value)
    return value


def emit_json(payload: dict) -> None:
    sys.stdout.write(json.dumps(_to_jsonable(payload), indent=2) + "\n")


def say(label: str, style: str, rest: str = "", *, to: Console | None = None) -> None:
    """Print ``label`` in ``style`` followed by plain ``rest``."""
    (to or console).print(Text.assemble((label, style), rest), highlight=False)


@contextmanager
def progress(description: str, total: int, as_json: bool):
    """A rich progress bar on a terminal (none with --json or when piped); yields
    ``advance(n)``."""
    if as_json or not console.is_terminal:
        yield lambda n: None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    with Progress(description, BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=console, transient=True) as bar:
        task = bar.add_task(description, total=total)
        yield lambda n: bar.advance(task, n)


def status(message: str, as_json: bool) -> AbstractContextManager:
    """A spinner while something slow runs; none with --json (stdout stays one JSON object)."""
    return nullcontext() if as_json else console.status(message, spinner="dots")


def handle_errors(as_json_param: str = "as_json") -> Callable:
    """Turn EdgesmithError into a clear message and its exit code; never a traceback."""

    def wrap(fn: Callable) -> Callable:
        @functools.wraps(fn)
        def run(*args, **kwargs):
            as_json = bool(kwargs.get(as_json_param, False))
            try:
                return fn(*args, **kwargs)
            except EdgesmithError as exc:
                _report(exc.message, exc.hint, type(exc).__name__, as_json)
                raise typer.Exit(exc.exit_code) from None
            except KeyboardInterrupt:
                say("interrupted", "red", to=err_console)
                raise typer.Exit(130) from None
            except (typer.Exit, typer.Abort):
                raise
            except Exception as exc:  # a bug in edgesmith: say so, briefly
                _report(f"internal error: {type(exc).__name__}: {exc}",
                        "this is a bug in edgesmith; please report it with the command you ran",
                        "InternalError", as_json)
                raise typer.Exit(3) from None

        return run

    return wrap


def _report(message: str, hint: str | None, kind: str, as_json: bool) -> None:
    if as_json:
        emit_json({"error": {"type": kind, "message": message, "hint": hint}})
    say("error:", "bold red", f" {message}", to=err_console)
    if hint:
        say("  hint:", "yellow", f" {hint}", to=err_console)


def load_array_file(path: Path, what: str = "input") -> np.ndarray | dict[str, np.ndarray]:
    """Read a .npy array (or a .npz archive keyed by input name), checked by
    :func:`edgesmith.io.arrays.read_user_arrays` (no pickles, numbers only, finite, bounded)."""
    from ..io.arrays import read_user_arrays

    return read_user_arrays(path, what)


def save_array_atomic(array: np.ndarray | dict, path: Path) -> None:
    """Write a .npy (or .npz for several outputs) through a temporary file."""
    from ..io.outputs import write_file_atomically

    def write(fh) -> None:
        if isinstance(array, dict):
            np.savez(fh, **array)
        else:
            np.save(fh, array, allow_pickle=False)

    write_file_atomically(path, write)


def human_bytes(n: int) -> str:
    return f"{n:,} B" if n < 10_000 else f"{n:,} B ({n / 1024:.1f} KiB)"
