"""A plain-Python oracle of the ap_fixed quantization, straight from FORMATS.md.

It works on exact rationals (``fractions.Fraction``), so it rounds any value
(a sum, a product, a mean) the way ap_fixed rounds the exact result, with no
shared code with the simulator. Slow; for tests only.
"""

from __future__ import annotations

import math
from fractions import Fraction

from edgesmith.ir import FixedFormat


def round_increment(mode: str, q: int, qb: bool, rest: bool, neg: bool) -> int:
    """The FORMATS.md table: when q = floor(value / LSB) gains one."""
    up = {
        "TRN": False,
        "TRN_ZERO": neg and (qb or rest),
        "RND": qb,
        "RND_ZERO": qb and (neg or rest),
        "RND_MIN_INF": qb and rest,
        "RND_INF": qb and (not neg or rest),
        "RND_CONV": qb and (q % 2 == 1 or rest),
    }[mode]
    return int(up)


def quantize(value: Fraction, fmt: FixedFormat) -> int:
    """The raw integer ap_fixed stores for the exact ``value``."""
    scaled = Fraction(value) * Fraction(2) ** fmt.frac_bits
    q = math.floor(scaled)
    below = scaled - q  # the dropped part, in [0, 1)
    qb, rest = below >= Fraction(1, 2), below not in (0, Fraction(1, 2))
    r = q + round_increment(fmt.rounding, q, qb, rest, value < 0)
    lo, hi = fmt.qmin, fmt.qmax
    if fmt.overflow == "WRAP":
        r %= 1 << fmt.width
        return r - (1 << fmt.width) if fmt.signed and r > hi else r
    if fmt.overflow == "SAT_SYM" and fmt.signed and fmt.width > 1:
        lo = -hi  # the headers need a second bit for the symmetric clamp
    if lo <= r <= hi:
        return r
    if fmt.overflow == "SAT_ZERO":
        return 0
    return hi if r > hi else lo


def real(raw: int, fmt: FixedFormat) -> Fraction:
    return Fraction(int(raw)) / Fraction(2) ** fmt.frac_bits
