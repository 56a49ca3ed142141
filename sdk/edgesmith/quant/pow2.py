"""Power-of-two weights (``--scheme pow2``): every weight 0 or +/-2^k, a product is a shift.

Exponent range, per layer. ``weight_bits`` is the code width: a sign bit and
E = weight_bits - 1 exponent bits, so 2^E - 1 exponents (the field 0 is the
weight 0; at most 63 exponents). The largest exponent is the one max |w| of
the layer rounds to, so the largest weights keep their nearest power of two;
the range runs down from there. 4-bit codes (the default) give 7 exponents,
a factor of 64 between the largest and the smallest nonzero weight.

Rounding, in the linear domain (it minimises each weight's own error):

* |w| between 2^k and 2^(k+1) rounds to the nearer of the two; the midpoint
  1.5 * 2^k (a tie) goes to 2^(k+1), away from zero;
* the zero threshold is the midpoint between 0 and the smallest power,
  2^(min_exp - 1): below it a weight becomes 0, at or above it 2^min_exp;
* above 2^max_exp (only within rounding of max |w|) a weight saturates to 2^max_exp.

Activations stay fixed-point (:mod:`.fixed`); the bias sits at the
products' binary point x_frac - min_exp. The simulator's and the C runtime's
pow2 kernels (``es_*_p2``) shift instead of multiplying.
"""

from __future__ import annotations

import numpy as np

from ..ir import FixedFormat, Op, Pow2Format
from ..ir.pow2 import EXPONENT_LIMIT, MAX_EXPONENTS
from .fixed import WeightCoder, fixed_weights

DEFAULT_CODE_BITS = 4


def nearest_exponent(magnitude: np.ndarray) -> np.ndarray:
    """k of the power of two nearest to each magnitude > 0 (ties to the larger)."""
    mantissa, exponent = np.frexp(magnitude)  # magnitude = mantissa * 2^exponent, mantissa in [0.5, 1)
    return (exponent - 1 + (mantissa >= 0.75)).astype(np.int64)


def exponent_range(w: np.ndarray, code_bits: int) -> tuple[int, int]:
    """(min_exp, max_exp) of a layer's weights for codes of ``code_bits`` bits."""
    if not 2 <= code_bits <= 8:
        raise ValueError(f"power-of-two codes take 2 to 8 bits (a sign and an exponent), "
                         f"got {code_bits}")
    count = min((1 << (code_bits - 1)) - 1, MAX_EXPONENTS)
    peak = float(np.max(np.abs(w))) if w.size else 0.0
    max_exp = int(nearest_exponent(np.array(peak))) if peak > 0 else 0
    max_exp = int(np.clip(max_exp, -EXPONENT_LIMIT + count - 1, EXPONENT_LIMIT))
    return max_exp - count + 1, max_exp


def round_to_pow2(w: np.ndarray, min_exp: int, max_exp: int) -> np.ndarray:
    """``w`` rounded to 0 or +/-2^k, min_exp <= k <= max_exp (the rules of the module docstring)."""
    w = np.asarray(w, dtype=np.float64)
    magnitude = np.abs(w)
    safe = np.where(magnitude > 0, magnitude, 1.0)
    k = np.clip(nearest_exponent(safe), min_exp, max_exp)
    keep = magnitude >= np.ldexp(1.0, min_exp - 1)
    return np.where(keep, np.sign(w) * np.ldexp(1.0, k), 0.0)


def pow2_weights(code_bits: int = DEFAULT_CODE_BITS) -> WeightCoder:
    """Weights as :class:`~edgesmith.ir.Pow2Format` codes; a layer given a fixed-point type
    (``LAYER:weight=fixed<...>``) keeps fixed-point weights."""
    fixed = fixed_weights(code_bits)

    def code(op: Op, w: np.ndarray, fmt: FixedFormat | None):
        if fmt is not None:
            return fixed(op, w, fmt)
        min_exp, max_exp = exponent_range(w, code_bits)
        fmt = Pow2Format(min_exp, max_exp)
        return fmt.encode(round_to_pow2(w, min_exp, max_exp)), fmt, -min_exp

    return code
