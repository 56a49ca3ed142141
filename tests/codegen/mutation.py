"""Change generated code on purpose, to prove that verification can fail."""

import re
import shutil
from pathlib import Path


def copy_folder(folder: Path, dest: Path) -> Path:
    shutil.copytree(folder, dest)
    return dest


def mutate_one_weight(folder, array: str, delta: int = 37) -> None:
    """Add ``delta`` (wrapping in int8) to the first element of a weights array."""
    path = next(folder.glob("*_weights.c"))
    text = path.read_text()
    start = text.index("{", text.index(f" {array}[")) + 1
    match = re.compile(r"\s*(-?\d+)").match(text, start)
    value = (int(match.group(1)) + delta + 128) % 256 - 128
    path.write_text(text[:match.start(1)] + str(value) + text[match.end(1):])
