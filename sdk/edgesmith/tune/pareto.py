"""The Pareto front of a search over (accuracy up; instructions, RAM, flash down), the
constraints of the space, and the rule `--best` picks by.

The best configuration: among the measured trials that fit every constraint, the one with
the fewest instructions; ties go to the higher accuracy, then less RAM, less flash, and
last the trial id (so the choice never depends on the order trials finished in).
"""

from __future__ import annotations

from typing import Any

#: objectives: (column, +1 to maximise / -1 to minimise)
OBJECTIVES = (("accuracy", 1), ("instructions", -1), ("ram", -1), ("flash", -1))
BEST_RULE = ("fits the constraints, then fewest instructions, then highest accuracy, then "
             "least RAM, then least flash")
_LIMITS = {"max_ram": "ram", "max_flash": "flash", "max_accuracy_drop": "accuracy_drop",
           "max_instructions": "instructions"}


def measured(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [r for r in rows if r["status"] == "ok"]


def _score(row: dict[str, Any]) -> tuple:
    """The objectives as values to maximise (a missing number, e.g. flash on host, is 0)."""
    return tuple(sign * (row[c] or 0) for c, sign in OBJECTIVES)


def dominates(a: dict[str, Any], b: dict[str, Any]) -> bool:
    sa, sb = _score(a), _score(b)
    return all(x >= y for x, y in zip(sa, sb)) and sa != sb


def pareto_front(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The measured trials no other trial dominates (one per distinct score), by accuracy
    down then instructions up."""
    ok = measured(rows)
    front, seen = [], set()
    for row in sorted(ok, key=lambda r: (_score(r), r["trial"]), reverse=True):
        if _score(row) in seen or any(dominates(o, row) for o in ok):
            continue
        seen.add(_score(row))
        front.append(row)
    return sorted(front, key=lambda r: (-(r["accuracy"] or 0), r["instructions"] or 0,
                                        r["trial"]))


def violations(row: dict[str, Any], constraints: dict[str, float]) -> list[str]:
    """The constraints ``row`` breaks, as text (a number the trial did not measure, such as
    flash on host, breaks no limit)."""
    out = []
    for limit, column in _LIMITS.items():
        value = row.get(column)
        if limit in constraints and value is not None and value > constraints[limit]:
            out.append(f"{column} {value:,.6g} > {constraints[limit]:,.6g}")
    return out


def best(rows: list[dict[str, Any]], constraints: dict[str, float]) -> dict[str, Any] | None:
    """The configuration :data:`BEST_RULE` picks, or None when no trial fits."""
    fits = [r for r in measured(rows) if not violations(r, constraints)]
    if not fits:
        return None
    return min(fits, key=lambda r: (r["instructions"] or 0, -(r["accuracy"] or 0), r["ram"] or 0,
                                    r["flash"] or 0, r["trial"]))
