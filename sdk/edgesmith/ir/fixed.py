"""Fixed-point number format with the ``ap_fixed<W, I, Q, O>`` semantics.

A tensor in :class:`FixedFormat` stores raw integers ``r`` (int32: W <= 32,
W <= 31 unsigned);
its real value is ``r * 2^-F`` with ``F = W - I`` fractional bits. ``I`` may be
negative or larger than ``W``. Quantizing a value into the format rounds with
the mode Q (TRN, TRN_ZERO, RND, RND_ZERO, RND_MIN_INF, RND_INF, RND_CONV), then
maps the result into W bits with the mode O (SAT, SAT_ZERO, SAT_SYM, WRAP),
exactly as the ``ap_types`` headers do (../shared/FORMATS.md has the table).

The arithmetic lives once, in the simulator (``sim/include/es_sim/fixed.h``);
this class only describes the format and converts reals through it. Refused
at construction, because the headers do not support them well: WRAP_SM and
saturation bits N > 0. Casts that the headers abort on are refused by the
cast itself (:func:`edgesmith.sim.fixed_kernels.cast_fixed`), as they depend
on the source format too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np

from .formats import NumberFormat, register_format

ROUNDING_MODES = ("TRN", "TRN_ZERO", "RND", "RND_ZERO", "RND_MIN_INF", "RND_INF", "RND_CONV")
OVERFLOW_MODES = ("SAT", "SAT_ZERO", "SAT_SYM", "WRAP")
#: tensors store raw values as int32
MAX_WIDTH = 32
#: bound on |I| and |F|, far beyond any useful format, so that exact
#: intermediate results stay inside the simulator's 128-bit integers
MAX_POINT_SHIFT = 64

_AP_TYPE = re.compile(r"^\s*(ap_)?(u?)fixed\s*<([^<>]*)>\s*$")


@register_format
@dataclass(frozen=True)
class FixedFormat(NumberFormat):
    """``ap_fixed<width, integer_bits, rounding, overflow>`` (``ap_ufixed`` if unsigned)."""

    width: int
    integer_bits: int
    signed: bool = True
    rounding: str = "TRN"
    overflow: str = "WRAP"
    #: ap_fixed's N (saturation bits); only 0 is supported
    saturation_bits: int = field(default=0, repr=False)
    kind: str = field(default="fixed", init=False, repr=False)

    def __post_init__(self):
        if not isinstance(self.width, int) or not 1 <= self.width <= MAX_WIDTH:
            raise ValueError(f"fixed-point formats have 1 to {MAX_WIDTH} bits (int32 storage), "
                             f"got width {self.width!r}")
        if not self.signed and self.width == MAX_WIDTH:
            raise ValueError(f"unsigned fixed-point formats have at most {MAX_WIDTH - 1} bits "
                             "(int32 storage)")
        if not isinstance(self.integer_bits, int) \
                or max(abs(self.integer_bits), abs(self.frac_bits)) > MAX_POINT_SHIFT:
            raise ValueError(f"integer_bits {self.integer_bits!r} must be an int with |I| and "
                             f"|W - I| at most {MAX_POINT_SHIFT}")
        if self.overflow == "WRAP_SM":
            raise ValueError("overflow mode WRAP_SM is not supported: the ap_types headers do "
                             "not handle it consistently; use WRAP, SAT, SAT_ZERO or SAT_SYM")
        if self.rounding not in ROUNDING_MODES:
            raise ValueError(f"unknown rounding mode {self.rounding!r}; one of {ROUNDING_MODES}")
        if self.overflow not in OVERFLOW_MODES:
            raise ValueError(f"unknown overflow mode {self.overflow!r}; one of {OVERFLOW_MODES}")
        if self.saturation_bits != 0:
            raise ValueError("saturation bits N > 0 are not supported (the ap_types headers "
                             "do not support them well); use N = 0")
        object.__setattr__(self, "signed", bool(self.signed))

    @classmethod
    def parse(cls, text: str) -> "FixedFormat":
        """Read a C++ spelling: ``ap_fixed<16,6>``, ``ap_ufixed<8,0,AP_RND,AP_SAT>``,
        or our own ``fixed<16,6,RND,SAT>`` (as :meth:`describe` writes it)."""
        match = _AP_TYPE.match(text)
        if not match:
            raise ValueError(f"not a fixed-point type: {text!r}")
        args = [a.strip() for a in match.group(3).split(",")]
        if len(args) < 2 or len(args) > 5:
            raise ValueError(f"{text!r}: expected <W, I[, Q[, O[, N]]]>")
        modes = [a.removeprefix("AP_") for a in args[2:4]]
        return cls(int(args[0]), int(args[1]), signed=not match.group(2),
                   rounding=modes[0] if modes else "TRN",
                   overflow=modes[1] if len(modes) > 1 else "WRAP",
                   saturation_bits=int(args[4]) if len(args) > 4 else 0)

    @property
    def bits(self) -> int:
        return self.width

    @property
    def frac_bits(self) -> int:
        return self.width - self.integer_bits

    @property
    def qmin(self) -> int:
        """Smallest raw value."""
        return -(1 << (self.width - 1)) if self.signed else 0

    @property
    def qmax(self) -> int:
        """Largest raw value."""
        return (1 << (self.width - 1)) - 1 if self.signed else (1 << self.width) - 1

    @property
    def storage_dtype(self) -> str:
        return "int32"

    def quantize(self, real: np.ndarray) -> np.ndarray:
        """Raw values of ``real`` (floats, taken exactly) rounded and mapped with Q and O,
        as ``ap_fixed`` assigned from a double."""
        from .. import _sim  # the one implementation of the cast

        values = np.ascontiguousarray(real, dtype=np.float64)
        return _sim.fixed_from_float(values, self.sim_type()).astype(np.int32)

    def dequantize(self, raw: np.ndarray) -> np.ndarray:
        """``raw * 2^-F`` as float32 (exact for formats of at most 24 bits)."""
        return np.ldexp(np.asarray(raw, dtype=np.float64), -self.frac_bits).astype(np.float32)

    def sim_type(self):
        """This format as the simulator's ``FixedType``."""
        from .. import _sim

        return _sim.FixedType(self.width, self.integer_bits, self.signed, self.rounding,
                              self.overflow)

    def ap_type(self) -> str:
        """The C++ type of the ``ap_types`` headers, e.g. ``ap_fixed<16,6,AP_RND,AP_SAT>``."""
        name = "ap_fixed" if self.signed else "ap_ufixed"
        return f"{name}<{self.width},{self.integer_bits},AP_{self.rounding},AP_{self.overflow}>"

    def describe(self) -> str:
        name = "fixed" if self.signed else "ufixed"
        return f"{name}<{self.width},{self.integer_bits},{self.rounding},{self.overflow}>"

    def to_json(self) -> dict:
        return {"kind": self.kind, "width": self.width, "integer_bits": self.integer_bits,
                "signed": self.signed, "rounding": self.rounding, "overflow": self.overflow}

    @classmethod
    def _from_json(cls, data: dict) -> "FixedFormat":
        return cls(data["width"], data["integer_bits"], signed=data["signed"],
                   rounding=data["rounding"], overflow=data["overflow"])
