"""The search space of `edgesmith tune`: parameters (choice lists or int/float ranges) and
constraints, read from a TOML file or a Python dict and checked before any trial runs.

    [parameters]
    scheme = ["int8", "subbyte", "fixed", "pow2"]
    weight_bits = [8, 4]                       # a choice list
    act_bits = {min = 8, max = 16, step = 8}   # an int range (every value on a grid)
    mixed_lambda = {min = 0.0, max = 1.0}      # a float range (sampled searches only)
    patch = ["none", "auto", "3:2"]
    board = ["mps2-an386"]

    [constraints]
    max_ram = 65536        # bytes, from the linker (the activation arena on "host")
    max_flash = 262144     # bytes, from the linker
    max_accuracy_drop = 0.02
    max_instructions = 2000000

A parameter left out takes its default (:data:`DEFAULTS`), so a configuration always names
every parameter and its hash does not change when a space spells a default out.
"""

from __future__ import annotations

import itertools
import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import BadArgumentError

#: every parameter and the value a space that leaves it out gets
DEFAULTS: dict[str, Any] = {
    "scheme": "int8", "weight_bits": 8, "act_bits": 8, "precision": "",
    "mixed_lambda": None, "mixed_percentile": 99.9, "patch": "none",
    "strategy": "optimal", "optimize": "speed", "board": "mps2-an386",
}
#: the allowed values of the parameters that take names
NAMED = {"scheme": ("int8", "subbyte", "fixed", "pow2"), "strategy": ("optimal", "greedy"),
         "optimize": ("speed", "size")}
#: (smallest, largest) of the numeric parameters
BOUNDS = {"weight_bits": (2, 16), "act_bits": (2, 16), "mixed_lambda": (0.0, 1.0),
          "mixed_percentile": (0.0, 100.0)}
CONSTRAINTS = ("max_ram", "max_flash", "max_accuracy_drop", "max_instructions")
#: most configurations an exhaustive grid may hold (a larger space wants --trials N)
MAX_GRID = 10_000


@dataclass(frozen=True)
class Range:
    """An int or float range; ints step by ``step`` on a grid, floats are only sampled."""

    low: float
    high: float
    step: int | None = None

    @property
    def is_int(self) -> bool:
        return self.step is not None

    def values(self) -> list[int]:
        return list(range(int(self.low), int(self.high) + 1, self.step))


@dataclass(frozen=True)
class SearchSpace:
    #: name -> a tuple of choices or a Range
    parameters: dict[str, tuple | Range]
    constraints: dict[str, float] = field(default_factory=dict)

    def grid(self) -> list[dict[str, Any]]:
        """Every distinct configuration (:func:`normalized`), in a fixed order: the
        parameters' order, then the choices'."""
        ranged = [n for n, p in self.parameters.items() if isinstance(p, Range) and not p.is_int]
        if ranged:
            raise BadArgumentError(f"parameter {ranged[0]!r} is a float range: an exhaustive "
                                   "grid needs choice lists or int ranges",
                                   hint="give --trials N to sample the space instead")
        names = list(self.parameters)
        axes = [p.values() if isinstance(p, Range) else list(p) for p in self.parameters.values()]
        size = math.prod(len(a) for a in axes)
        if size > MAX_GRID:
            raise BadArgumentError(f"the space holds {size:,} configurations, more than "
                                   f"{MAX_GRID:,} for an exhaustive grid",
                                   hint="give --trials N to sample it")
        configs = (normalized(complete(dict(zip(names, values))))
                   for values in itertools.product(*axes))
        return list({json.dumps(c, sort_keys=True): c for c in configs}.values())


def complete(config: dict[str, Any]) -> dict[str, Any]:
    """``config`` with every parameter (defaults for the missing), in one order."""
    return {name: config.get(name, default) for name, default in DEFAULTS.items()}


def normalized(config: dict[str, Any]) -> dict[str, Any]:
    """The configuration with the parameters that do not apply to it at their defaults, so
    that two spellings of one build share a cache entry."""
    c = dict(config)
    if c["scheme"] == "int8":
        c["weight_bits"] = c["act_bits"] = 8
    if c["scheme"] not in ("fixed", "pow2"):
        c["precision"] = ""
    if c["mixed_lambda"] is None:
        c["mixed_percentile"] = DEFAULTS["mixed_percentile"]
    elif c["patch"] == "none":  # QuantMCU always runs patches: the plan it takes by default
        c["patch"] = "auto"
    return c


def with_board(space: SearchSpace, board: str) -> SearchSpace:
    """``space`` on one board (the CLI's --board), for a space that names none."""
    if "board" in space.parameters:
        raise BadArgumentError("the space lists boards; give them there or with --board, "
                               "not both")
    _check_choice("--board", "board", board)
    return SearchSpace({**space.parameters, "board": (board,)}, space.constraints)


def load_space(source: str | Path | dict) -> SearchSpace:
    """A space from a TOML file or a dict of the same shape; a BadArgumentError names the
    first problem."""
    if isinstance(source, dict):
        return parse_space(source, "the space")
    import tomllib

    path = Path(source)
    if not path.is_file():
        raise BadArgumentError(f"--space {path}: no such file", hint="give a TOML search space")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise BadArgumentError(f"--space {path} is not valid TOML: {exc}") from None
    return parse_space(data, str(path))


def parse_space(data: dict, where: str) -> SearchSpace:
    unknown = sorted(set(data) - {"parameters", "constraints"})
    if unknown:
        raise BadArgumentError(f"{where}: unknown section {unknown[0]!r}; a space has "
                               "[parameters] and [constraints]")
    params = data.get("parameters")
    if not isinstance(params, dict) or not params:
        raise BadArgumentError(f"{where}: no [parameters]; give at least one, e.g. "
                               'scheme = ["int8", "fixed"]')
    parsed = {name: _parameter(where, name, value) for name, value in params.items()}
    constraints = data.get("constraints", {})
    if not isinstance(constraints, dict):
        raise BadArgumentError(f"{where}: [constraints] must be a table")
    return SearchSpace(parsed, {k: _constraint(where, k, v) for k, v in constraints.items()})


def _parameter(where: str, name: str, value: Any) -> tuple | Range:
    if name not in DEFAULTS:
        raise BadArgumentError(f"{where}: unknown parameter {name!r}; known: "
                               f"{', '.join(DEFAULTS)}")
    if isinstance(value, dict):
        return _range(where, name, value)
    if not isinstance(value, list) or not value:
        raise BadArgumentError(f"{where}: parameter {name!r} must be a non-empty list of "
                               "choices or a range {min = .., max = ..}")
    for choice in value:
        _check_choice(where, name, choice)
    if len(set(map(repr, value))) != len(value):
        raise BadArgumentError(f"{where}: parameter {name!r} lists a choice twice")
    return tuple(value)


def _range(where: str, name: str, value: dict) -> Range:
    if name not in BOUNDS:
        raise BadArgumentError(f"{where}: parameter {name!r} takes a list of choices, not a "
                               "range")
    extra = sorted(set(value) - {"min", "max", "step"})
    if extra or "min" not in value or "max" not in value:
        raise BadArgumentError(f"{where}: range {name!r} takes min, max (and step for ints)")
    low, high = value["min"], value["max"]
    integer = name.endswith("_bits")
    kinds = (int,) if integer else (int, float)
    if any(isinstance(v, bool) or not isinstance(v, kinds) for v in (low, high)):
        raise BadArgumentError(f"{where}: range {name!r} needs "
                               f"{'integer' if integer else 'numeric'} min and max")
    lo, hi = BOUNDS[name]
    if not lo <= low <= high <= hi:
        raise BadArgumentError(f"{where}: range {name!r} must satisfy {lo} <= min <= max <= {hi}")
    step = value.get("step", 1 if integer else None)
    if step is not None and (not integer or isinstance(step, bool) or not isinstance(step, int)
                             or step < 1):
        raise BadArgumentError(f"{where}: range {name!r}: step is a positive integer, for "
                               "integer parameters only")
    return Range(low, high, step)


def _check_choice(where: str, name: str, choice: Any) -> None:
    bad = f"{where}: parameter {name!r}: choice {choice!r} "
    if name in NAMED:
        if choice not in NAMED[name]:
            raise BadArgumentError(bad + f"is not one of {', '.join(NAMED[name])}")
    elif name in BOUNDS:
        if name == "mixed_lambda" and choice is None:
            return
        integer = name.endswith("_bits")
        if isinstance(choice, bool) or not isinstance(choice, (int,) if integer else (int, float)):
            raise BadArgumentError(bad + f"is not {'an integer' if integer else 'a number'}")
        lo, hi = BOUNDS[name]
        if not lo <= choice <= hi:
            raise BadArgumentError(bad + f"is outside {lo}..{hi}")
    elif not isinstance(choice, str):
        raise BadArgumentError(bad + "is not a string")
    elif name == "patch":
        _check_patch(bad, choice)
    elif name == "board":
        _check_board(bad, choice)


def _check_patch(bad: str, choice: str) -> None:
    if choice in ("none", "auto"):
        return
    split, sep, grid = choice.partition(":")
    if not (sep and split.isdigit() and grid.isdigit() and int(grid) >= 1):
        raise BadArgumentError(bad + "is neither none, auto nor SPLIT:GRID (e.g. 3:2)")


def _check_board(bad: str, choice: str) -> None:
    if choice == "host":
        return
    from ..boards import get_board
    from ..errors import EdgesmithError

    try:
        board = get_board(choice)
    except EdgesmithError as exc:
        raise BadArgumentError(bad + f"is not a board: {exc.message}",
                               hint="`edgesmith boards` lists them; \"host\" skips the build"
                               ) from None
    if not board.emulated:
        raise BadArgumentError(bad + "is a real board; trials run on emulated boards",
                               hint="`edgesmith boards` lists the emulated ones")


def _constraint(where: str, name: str, value: Any) -> float:
    if name not in CONSTRAINTS:
        raise BadArgumentError(f"{where}: unknown constraint {name!r}; known: "
                               f"{', '.join(CONSTRAINTS)}")
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
        raise BadArgumentError(f"{where}: constraint {name!r} must be a number >= 0")
    return value
