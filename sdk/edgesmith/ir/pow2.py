"""Power-of-two weight format: every weight is 0 or +/-2^k, min_exp <= k <= max_exp.

A product x * w is then x shifted by k, with a sign: a layer with these
weights needs no multiplier (on an FPGA, no DSP).

Code layout. A weight is stored as one unsigned code of ``bits = 1 + E``
bits, E = ``exponent_bits`` = the bit length of ``max_exp - min_exp + 1``::

    bit  E      : sign, 1 = negative
    bits E-1..0 : exponent field f = k - min_exp + 1, in 1 .. max_exp - min_exp + 1
    f = 0       : the weight 0 (its sign bit must be 0: the zero code is 0)

For example ``Pow2Format(-6, 0)`` has E = 3 and 4-bit codes: 0b0111 is
+2^0, 0b1001 is -2^-6, 0 is zero, and 0b1000 is invalid. In the IR a weight
tensor holds one code per uint8 element; codes of at most 4 bits pack two to
a byte with :func:`edgesmith.ir.packing.pack_subbyte` where packed bytes are
needed. The simulator decodes the same layout (``sim/src/pow2.cpp``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .formats import NumberFormat, register_format

#: exponents span at most this many values (codes fit a uint8 with room to spare)
MAX_EXPONENTS = 63
EXPONENT_LIMIT = 64


@register_format
@dataclass(frozen=True)
class Pow2Format(NumberFormat):
    """Weights 0 or +/-2^k for k in [min_exp, max_exp], as (sign, exponent) codes."""

    min_exp: int
    max_exp: int
    kind: str = field(default="pow2", init=False, repr=False)

    def __post_init__(self):
        if not (isinstance(self.min_exp, int) and isinstance(self.max_exp, int)):
            raise ValueError("pow2 exponents must be ints")
        if self.min_exp > self.max_exp:
            raise ValueError(f"min_exp {self.min_exp} > max_exp {self.max_exp}")
        if max(-self.min_exp, self.max_exp) > EXPONENT_LIMIT \
                or self.max_exp - self.min_exp + 1 > MAX_EXPONENTS:
            raise ValueError(f"pow2 exponents must lie in [-{EXPONENT_LIMIT}, {EXPONENT_LIMIT}] "
                             f"and number at most {MAX_EXPONENTS}")

    @property
    def exponent_bits(self) -> int:
        return (self.max_exp - self.min_exp + 1).bit_length()

    @property
    def bits(self) -> int:
        return 1 + self.exponent_bits

    @property
    def storage_dtype(self) -> str:
        return "uint8"

    def encode(self, values: np.ndarray) -> np.ndarray:
        """Codes of ``values``, each exactly 0 or +/-2^k with k in range (ValueError otherwise)."""
        values = np.asarray(values, dtype=np.float64)
        magnitude = np.abs(values)
        mantissa, exponent = np.frexp(magnitude)  # magnitude = mantissa * 2^exponent
        k = exponent - 1  # a power of two has mantissa 0.5
        exact = (magnitude == 0) | ((mantissa == 0.5) & (k >= self.min_exp) & (k <= self.max_exp))
        if not np.all(exact):
            bad = values[~exact].reshape(-1)[0]
            raise ValueError(f"{bad!r} is not 0 or +/-2^k with {self.min_exp} <= k <= "
                             f"{self.max_exp}")
        fields = np.where(magnitude == 0, 0, k - self.min_exp + 1)
        signs = (values < 0).astype(np.int64)
        return ((signs << self.exponent_bits) | fields).astype(np.uint8)

    def decode(self, codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(sign in {-1, 0, 1} as int8, exponent as int32, 0 for zero weights)."""
        codes = np.asarray(codes).astype(np.int64)
        fields = codes & ((1 << self.exponent_bits) - 1)
        negative = codes >> self.exponent_bits
        valid = (negative <= 1) & (fields <= self.max_exp - self.min_exp + 1) \
            & ((fields > 0) | (negative == 0))
        if not np.all(valid):
            raise ValueError(f"invalid pow2 code {int(codes[~valid].reshape(-1)[0])} for "
                             f"{self.describe()}")
        sign = np.where(fields == 0, 0, 1 - 2 * negative).astype(np.int8)
        exponent = np.where(fields == 0, 0, fields - 1 + self.min_exp).astype(np.int32)
        return sign, exponent

    def dequantize(self, codes: np.ndarray) -> np.ndarray:
        sign, exponent = self.decode(codes)
        return np.ldexp(sign.astype(np.float64), exponent).astype(np.float32)

    def sim_code(self):
        """This layout as the simulator's ``Pow2Code``."""
        from .. import _sim

        return _sim.Pow2Code(self.min_exp, self.max_exp, self.exponent_bits)

    def describe(self) -> str:
        return f"pow2<{self.min_exp}..{self.max_exp}>"

    def to_json(self) -> dict:
        return {"kind": self.kind, "min_exp": self.min_exp, "max_exp": self.max_exp}

    @classmethod
    def _from_json(cls, data: dict) -> "Pow2Format":
        return cls(data["min_exp"], data["max_exp"])
