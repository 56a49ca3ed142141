"""What the HTML report shows of a search (html_report cannot import tune: tune builds on
the api, which the report sits above): the rows of a results table, its Pareto front and a
short label per trial, as plain data."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..errors import BadArgumentError
from .pareto import measured, pareto_front
from .results import read_results
from .space import DEFAULTS


def trial_label(row: dict[str, Any]) -> str:
    """The scheme and every parameter not at its default."""
    return ", ".join(f"{k}={row[k]}" for k, v in DEFAULTS.items()
                     if row[k] != v or k == "scheme")


def report_data(results: Path) -> dict[str, Any]:
    """The results table at ``results`` as the report's tune section takes it."""
    results = Path(results)
    if not results.is_file():
        raise BadArgumentError(f"--tune {results}: no such results table",
                               hint="give the file `edgesmith tune --results` wrote")
    rows = read_results(results)
    return {"results": results.name, "trials": len(rows), "measured": measured(rows),
            "pareto_front": pareto_front(rows),
            "labels": {r["trial"]: trial_label(r) for r in rows}}
