"""What every kind of board file shares: read the TOML, check fields, find a board by name.

edgesmith ships two kinds of board: microcontrollers (``boards/*.toml``, read by
:mod:`.registry`) and FPGAs (``boards/fpga/*.toml``, read by
:mod:`edgesmith.boards.fpga_boards`). Each kind says how to check one of its files;
this module does the rest for both, so that both complain alike: every message
names the file, an unknown name gets the near names and the known ones, and a
name of the other kind says where it belongs.
"""

from __future__ import annotations

import difflib
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Generic, NoReturn, TypeVar

from ..errors import EdgesmithError

B = TypeVar("B")


class BoardFields:
    """The fields of one board file by dotted key (``memory.flash.size``)."""

    def __init__(self, path: str | Path, noun: str, error: type[EdgesmithError]):
        self.path, self.noun, self.error = Path(path), noun, error
        try:
            self.raw = tomllib.loads(self.path.read_text())
        except FileNotFoundError:
            raise error(f"{noun} file {self.path} does not exist") from None
        except tomllib.TOMLDecodeError as exc:
            raise error(f"{noun} file {self.path} is not valid TOML: {exc}") from None

    def fail(self, problem: str, hint: str | None = None) -> NoReturn:
        raise self.error(f"{self.noun} file {self.path}: {problem}", hint=hint)

    def require_kind(self, kind: str, *, default: str | None = None,
                     hint: str | None = None) -> None:
        """``kind`` says which registry reads the file (``default`` when it may be left out)."""
        found = self.raw.get("kind", default)
        if found != kind:
            self.fail(f'needs kind = "{kind}"' + (f", not {found!r}" if found else ""), hint)

    def get(self, key: str, kind: type, *, positive: bool = False, non_negative: bool = False):
        """A required field; ``kind`` float accepts any number (TOML writes 10 for 10.0)."""
        node = self.raw
        for part in key.split("."):
            if not isinstance(node, dict) or part not in node:
                self.fail(f"missing {key}")
            node = node[part]
        accepted = (int, float) if kind is float else kind
        if not isinstance(node, accepted) or (kind in (int, float) and isinstance(node, bool)):
            self.fail(f"{key} must be {'number' if kind is float else kind.__name__}, "
                      f"got {node!r}")
        if positive and node <= 0:
            self.fail(f"{key} must be positive, got {node}")
        if non_negative and node < 0:
            self.fail(f"{key} must not be negative, got {node}")
        return float(node) if kind is float else node

    def table(self, key: str) -> dict:
        """An optional table (empty when absent)."""
        value = self.raw.get(key, {})
        if not isinstance(value, dict):
            self.fail(f"[{key}] must be a table, got {value!r}")
        return value

    def name(self) -> str:
        """The board's name, which is its file's name: one board, one file, no aliases."""
        name = self.get("name", str)
        if name != self.path.stem:
            self.fail(f"name {name!r} must match the file name {self.path.stem!r}")
        return name


class BoardCatalog(Generic[B]):
    """The shipped boards of one kind (read once), found by name, or a file of one's own."""

    def __init__(self, noun: str, folder: Callable[[], Path], load: Callable[[Path], B],
                 error: type[EdgesmithError], *, described_as: str,
                 check: Callable[[dict[str, B]], None] | None = None,
                 other: Callable[[], BoardCatalog] | None = None):
        #: what this kind is and which commands take it ("an FPGA board, for ..."), said
        #: when one of its names is given where the ``other`` kind is expected
        self.noun, self.described_as, self.error = noun, described_as, error
        self._folder, self._load, self._check, self._other = folder, load, check, other
        self._boards: dict[str, B] | None = None

    def shipped(self) -> dict[str, B]:
        """Every board shipped in the folder, by name, in file name order."""
        if self._boards is None:
            boards = {}
            for path in sorted(self._folder().glob("*.toml")):
                board = self._load(path)
                boards[board.name] = board
            if self._check:
                self._check(boards)
            self._boards = boards
        return self._boards

    def get(self, name_or_path: str | Path) -> B:
        """A shipped board by name, or a board file of one's own by path (``*.toml``)."""
        text = str(name_or_path)
        if text.endswith(".toml"):
            return self._load(Path(text))
        boards = self.shipped()
        if text in boards:
            return boards[text]
        raise self.error(f"unknown {self.noun} {text!r}", hint=self._unknown_hint(text))

    def _unknown_hint(self, text: str) -> str:
        names = sorted(self.shipped())
        choices = (f"one of {', '.join(names)}, or a path to a .toml {self.noun} file; "
                   "`edgesmith boards` lists them")
        if self._other and text in self._other_names():
            return f"{text} is {self._other().described_as}; this command takes {choices}"
        near = difflib.get_close_matches(text, names, n=3, cutoff=0.6)
        if not near:
            return choices
        said = near[0] if len(near) == 1 else f"{', '.join(near[:-1])} or {near[-1]}"
        return f"did you mean {said}? {choices}"

    def _other_names(self) -> set[str]:
        try:
            return set(self._other().shipped())
        except EdgesmithError:  # a broken file of the other kind must not hide this error
            return set()
