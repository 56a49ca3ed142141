"""Run the edgesmith CLI in this process and check the promise made for bad input."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from edgesmith.cli import app

REPO = Path(__file__).resolve().parents[2]
FUZZ_REPROS = REPO / ".." / "shared" / "fuzz-repros"


def run(*args) -> tuple[int, str]:
    """(exit code, stdout + stderr) of ``edgesmith ARGS``."""
    result = CliRunner().invoke(app, [str(a) for a in args], catch_exceptions=True)
    text = result.stdout + (result.stderr if result.stderr_bytes is not None else "")
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"edgesmith {args} raised {result.exception!r}\n{text}")
    return result.exit_code, text


def assert_refused(args, *needles: str, code: int = 2) -> str:
    """``edgesmith ARGS`` exits ``code`` with one message holding every needle, no traceback."""
    exit_code, text = run(*args)
    assert exit_code == code, text
    assert "Traceback" not in text and "internal error" not in text, text
    for needle in needles:
        assert needle in " ".join(text.split()), text
    return text


def files_under(folder: Path) -> set[Path]:
    return {p for p in Path(folder).rglob("*")}
