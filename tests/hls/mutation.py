"""Change generated HLS code on purpose, to prove that verification can fail."""

from __future__ import annotations

import re
from pathlib import Path


def flip_weight_bit(folder: Path, array: str, bit: int) -> tuple[int, int]:
    """Flip one bit of the first raw weight of ``array`` in weights.h (two's complement,
    width from its ap_int<W>); returns (old, new)."""
    path = Path(folder) / "weights.h"
    text = path.read_text()
    decl = re.search(rf"ap_int<(\d+)> {re.escape(array)}\[\d+\] = \{{\s*(-?\d+)", text)
    width, old = int(decl.group(1)), int(decl.group(2))
    raw = (old & ((1 << width) - 1)) ^ (1 << bit)
    new = raw - (1 << width) if raw >> (width - 1) else raw
    path.write_text(text[:decl.start(2)] + str(new) + text[decl.end(2):])
    return old, new
