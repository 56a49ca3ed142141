"""The report's section on a deployment search (`edgesmith tune`): accuracy against
instructions (or RAM, on a host-only search) for every measured trial with the Pareto front
marked, and the front as a table."""

from __future__ import annotations

from pathlib import Path

from . import svg
from .sections import Section, Table


def tune_section(results: Path, data: dict) -> Section:
    """The section for the results table at ``results`` (the file `tune --results` wrote)."""
    from ..errors import BadArgumentError
    from ..tune.pareto import measured, pareto_front
    from ..tune.space import DEFAULTS

    if not Path(results).is_file():
        raise BadArgumentError(f"--tune {results}: no such results table",
                               hint="give the file `edgesmith tune --results` wrote")
    from ..tune.results import read_results

    rows = read_results(Path(results))
    ok, front = measured(rows), pareto_front(rows)
    on_board = any(r["instructions"] is not None for r in ok)
    x_col = "instructions" if on_board else "ram"
    in_front = {r["trial"] for r in front}

    def label(r: dict) -> str:
        changed = [f"{k}={r[k]}" for k, v in DEFAULTS.items() if r[k] != v or k == "scheme"]
        return f"{r['trial']}: {', '.join(changed)}"

    points = [(r[x_col] or 0, 100 * r["accuracy"], label(r), r["trial"] in in_front) for r in ok]
    chart = svg.scatter_chart(points, f"accuracy vs {x_col}: {len(ok)} trials, Pareto front "
                              "marked", xlabel=x_col if on_board else "RAM (bytes)",
                              ylabel="accuracy %", y_max=100)
    headers = ["trial", "configuration", "accuracy", "drop", "instructions", "RAM", "flash"]
    table = Table(headers, [[r["trial"], label(r).split(": ", 1)[1], f"{r['accuracy']:.4f}",
                             f"{r['accuracy_drop']:.4f}", _count(r["instructions"]),
                             _count(r["ram"]), _count(r["flash"])] for r in front],
                  numeric={2, 3, 4, 5, 6})
    data["tune"] = {"results": Path(results).name, "trials": len(rows), "measured": len(ok),
                    "pareto_front": front}
    notes = [f"{len(rows)} trials in {Path(results).name}, {len(ok)} measured "
             f"({len(rows) - len(ok)} could not be built); the front keeps the trials that no "
             "other beats on accuracy, instructions, RAM and flash at once."]
    return Section("tune", "Deployment search (edgesmith tune)", notes, [chart], table)


def _count(n) -> str:
    return "" if n is None else f"{n:,}"
