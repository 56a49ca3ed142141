"""The report's section on a deployment search (`edgesmith tune`): accuracy against
instructions (or RAM, on a host-only search) for every measured trial with the Pareto front
marked, and the front as a table. The caller reads the results table
(:func:`edgesmith.tune.report_data.report_data`); this module only draws it."""

from __future__ import annotations

from . import svg
from .sections import Section, Table


def tune_section(tune: dict, data: dict) -> Section:
    """The section for a search's report data (rows measured, front, labels by trial)."""
    ok, front, labels = tune["measured"], tune["pareto_front"], tune["labels"]
    on_board = any(r["instructions"] is not None for r in ok)
    x_col = "instructions" if on_board else "ram"
    in_front = {r["trial"] for r in front}
    points = [(r[x_col] or 0, 100 * r["accuracy"], f"{r['trial']}: {labels[r['trial']]}",
               r["trial"] in in_front) for r in ok]
    chart = svg.scatter_chart(points, f"accuracy vs {x_col}: {len(ok)} trials, Pareto front "
                              "marked", xlabel=x_col if on_board else "RAM (bytes)",
                              ylabel="accuracy %", y_max=100)
    headers = ["trial", "configuration", "accuracy", "drop", "instructions", "RAM", "flash"]
    table = Table(headers, [[r["trial"], labels[r["trial"]], f"{r['accuracy']:.4f}",
                             f"{r['accuracy_drop']:.4f}", _count(r["instructions"]),
                             _count(r["ram"]), _count(r["flash"])] for r in front],
                  numeric={2, 3, 4, 5, 6})
    data["tune"] = {"results": tune["results"], "trials": tune["trials"], "measured": len(ok),
                    "pareto_front": front}
    notes = [f"{tune['trials']} trials in {tune['results']}, {len(ok)} measured "
             f"({tune['trials'] - len(ok)} could not be built); the front keeps the trials that "
             "no other beats on accuracy, instructions, RAM and flash at once."]
    return Section("tune", "Deployment search (edgesmith tune)", notes, [chart], table)


def _count(n) -> str:
    return "" if n is None else f"{n:,}"
