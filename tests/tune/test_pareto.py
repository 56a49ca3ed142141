"""The Pareto front over (accuracy up; instructions, RAM, flash down) and the --best rule."""

from edgesmith.tune.pareto import best, dominates, pareto_front, violations


def row(trial, accuracy, instructions, ram, flash, status="ok"):
    return {"trial": trial, "status": status, "accuracy": accuracy, "instructions": instructions,
            "ram": ram, "flash": flash, "accuracy_drop": 0.9 - accuracy}


ROWS = [
    row("a", 0.90, 1000, 500, 900),   # most accurate
    row("b", 0.80, 400, 500, 900),    # fastest
    row("c", 0.80, 500, 500, 900),    # dominated by b
    row("d", 0.70, 600, 200, 900),    # least RAM
    row("e", 0.70, 600, 200, 900),    # the same numbers as d: listed once
    row("f", 0.99, 1, 1, 1, status="failed: does not fit"),
]


def test_the_front_keeps_what_nothing_dominates():
    front = pareto_front(ROWS)
    assert [r["trial"] for r in front] == ["a", "b", "e"]
    assert dominates(ROWS[1], ROWS[2]) and not dominates(ROWS[2], ROWS[1])
    assert not dominates(ROWS[3], ROWS[4]) and not dominates(ROWS[0], ROWS[1])


def test_best_fits_the_constraints_then_takes_the_fewest_instructions():
    assert best(ROWS, {})["trial"] == "b"
    assert best(ROWS, {"max_ram": 300})["trial"] == "d"   # d and e tie: the trial id decides
    assert best(ROWS, {"max_accuracy_drop": 0.05})["trial"] == "a"
    assert best(ROWS, {"max_instructions": 100}) is None  # the failed trial never counts
    assert violations(ROWS[0], {"max_ram": 100, "max_flash": 1000}) == ["ram 500 > 100"]


def test_a_number_not_measured_breaks_no_limit():
    host = {**row("h", 0.9, None, 300, None)}
    assert violations(host, {"max_flash": 10, "max_instructions": 10}) == []
    assert pareto_front([host]) == [host]
