"""C++ ``ap_fixed`` / ``ap_int`` types of generated HLS code, and how wide they must be.

:class:`FixedFormat` describes tensors (at most 32 bits, int32 storage);
:class:`ApFixed` describes any ``ap_[u]fixed`` the kernels use inside a
layer (products and accumulators are wider). The sizing functions give the
narrowest type that holds a set of exact values: every accumulator of the
generated code is exact, as the simulator's 128-bit sums are.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..ir import FixedFormat

#: Vitis HLS supports ap_[u]fixed / ap_[u]int up to 1024 bits by default (AP_INT_MAX_W)
AP_MAX_WIDTH = 1024
#: fractional bits at which the fused activations' bounds (0, +/-1, 6) are exact
ACTIVATION_FRAC = {"none": None, "relu": None, "relu6": -1, "relu_n1_to_1": 0}
ACTIVATION_BOUND = {"none": 0, "relu": 0, "relu6": 6, "relu_n1_to_1": 1}
ACTIVATION_ENUM = {"none": "es_hls::act_none", "relu": "es_hls::act_relu",
                   "relu6": "es_hls::act_relu6", "relu_n1_to_1": "es_hls::act_relu_n1_to_1"}


@dataclass(frozen=True)
class ApFixed:
    """``ap_fixed<width, int_bits, Q, O>`` (``ap_ufixed`` when unsigned)."""

    width: int
    int_bits: int
    signed: bool = True
    rounding: str = "TRN"
    overflow: str = "WRAP"

    def __post_init__(self):
        if not 1 <= self.width <= AP_MAX_WIDTH:
            raise ValueError(f"an ap_fixed needs 1 to {AP_MAX_WIDTH} bits, not {self.width}")

    @property
    def frac_bits(self) -> int:
        return self.width - self.int_bits

    @classmethod
    def of(cls, fmt: FixedFormat) -> ApFixed:
        return cls(fmt.width, fmt.integer_bits, fmt.signed, fmt.rounding, fmt.overflow)

    def cpp(self) -> str:
        name = "ap_fixed" if self.signed else "ap_ufixed"
        modes = ("" if (self.rounding, self.overflow) == ("TRN", "WRAP")
                 else f",AP_{self.rounding},AP_{self.overflow}")
        return f"{name}<{self.width},{self.int_bits}{modes}>"

    def store(self) -> str:
        """The integer type its raw bits are stored in (weights, tables)."""
        return raw_int(self.width, self.signed)


def raw_int(width: int, signed: bool = True) -> str:
    return f"{'ap_int' if signed else 'ap_uint'}<{width}>"


def signed_bits(bound: int) -> int:
    """Bits of the narrowest two's complement integer holding every value in [-bound, bound]."""
    return int(bound).bit_length() + 1


def exact_type(frac: int, bound: int) -> ApFixed:
    """The narrowest signed type with ``frac`` fractional bits holding every value
    whose raw magnitude (at ``frac``) is at most ``bound``."""
    width = signed_bits(bound)
    return ApFixed(width, width - frac)


def max_raw(fmt: FixedFormat) -> int:
    """Largest raw magnitude of a format."""
    return max(abs(fmt.qmin), abs(fmt.qmax))


def activation_frac(activation: str, frac: int) -> int:
    """``frac``, or more if the activation's bounds need it."""
    need = ACTIVATION_FRAC[activation]
    return frac if need is None else max(frac, need)


def activation_bound(activation: str, frac: int, scale: int = 1) -> int:
    """Raw magnitude (at ``frac``) of the activation's largest bound times ``scale``."""
    bound = ACTIVATION_BOUND[activation] * scale
    return bound << frac if frac >= 0 else bound >> -frac  # exact: frac >= activation_frac


def aligned(raw: int, from_frac: int, to_frac: int) -> int:
    """A raw magnitude at ``from_frac`` moved to ``to_frac >= from_frac``."""
    return raw << (to_frac - from_frac)


def clamp_type(fmt: FixedFormat, activation: str) -> ApFixed:
    """A type holding every value of ``fmt`` and the activation's bounds: where a
    relu family clamps before the cast."""
    frac = activation_frac(activation, fmt.frac_bits)
    bound = max(aligned(max_raw(fmt), fmt.frac_bits, frac), activation_bound(activation, frac))
    return exact_type(frac, bound)


def int_literals(values: np.ndarray, per_line: int = 16, indent: str = "    ") -> str:
    """Exact integer literals, comma separated, ``per_line`` to a line."""
    flat = [str(int(v)) for v in np.asarray(values).reshape(-1)]
    lines = [", ".join(flat[i:i + per_line]) for i in range(0, len(flat), per_line)]
    return (",\n").join(indent + line for line in lines)
