"""The fixed-point alpha of leaky_relu, shared by the simulator, the C and the HLS generators.

The attribute is a float32 (TFLite's option), and a float32 is a binary fraction of 24
significant bits: ``fixed<25, I>`` with I one above its exponent holds it exactly, so the
product ``alpha * x`` every backend computes is the exact one (at most 57 bits for a 32-bit
x, inside the C kernels' int64).
"""

from __future__ import annotations

import math

import numpy as np

from ..ir import FixedFormat, Op, with_defaults

#: a float32 significand and a sign bit
ALPHA_WIDTH = 25


def leaky_relu_alpha(op: Op) -> tuple[int, FixedFormat]:
    """(raw alpha, its format) of a leaky_relu op."""
    alpha = float(np.float32(with_defaults(op.type, op.attrs)["alpha"]))
    exponent = math.frexp(abs(alpha))[1] if alpha else 0  # |alpha| < 2^exponent
    fmt = FixedFormat(ALPHA_WIDTH, exponent + 1, rounding="RND_CONV", overflow="SAT")
    return int(fmt.quantize(np.array([alpha]))[0]), fmt
