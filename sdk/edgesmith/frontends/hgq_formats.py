"""HGQ2 quantizers as ``ap_fixed`` formats, and trained constants as exact raw integers.

An HGQ2 fixed-point quantizer holds, per element (or shared along its homogeneous axes),
``k`` (keep negative: a sign bit), ``i`` (integer bits without the sign) and ``f``
(fractional bits). At inference it computes, in floats:

* SAT and SAT_SYM: clip to the range, then round with the mode; clipping first gives the
  same numbers as ``ap_fixed``'s round-then-saturate, because the bounds are on the grid;
* WRAP: round, then wrap modulo ``2^(k+i)``, as ``ap_fixed`` with WRAP.

so one element is ``ap_fixed<k+i+f, k+i, Q, O>`` (``ap_ufixed<i+f, i>`` when k = 0), with
``i`` first raised to ``-f`` (HGQ2 does the same); an element of ``k+i+f <= 0`` bits
(before raising ``i``) is always 0. Stochastic rounding (``S_RND``) is a training mode; inference rounds with ``RND``.
"""

from __future__ import annotations

import numpy as np

from ..errors import UnsupportedError
from ..ir import FixedFormat
from ..ir.fixed import MAX_WIDTH

#: HGQ2 rounding mode at inference -> ap_fixed mode
ROUNDING = {"RND": "RND", "S_RND": "RND", "TRN": "TRN", "RND_CONV": "RND_CONV",
            "S_RND_CONV": "RND_CONV"}
OVERFLOW = ("WRAP", "SAT", "SAT_SYM")


def _numpy(value) -> np.ndarray:
    from keras import ops

    return np.asarray(ops.convert_to_numpy(value), dtype=np.float64)


def element_formats(quantizer, shape: tuple[int, ...], where: str) -> list[FixedFormat | None]:
    """The format of every element of one sample (row-major) of a tensor of ``shape`` (batch
    first) that ``quantizer`` (an ``hgq.quantizer.Quantizer``) quantizes; None for an element
    of no bits (always 0)."""
    config = quantizer.config
    inner = quantizer.quantizer
    name = type(inner).__name__
    if not name.startswith("FixedPointQuantizer"):
        raise UnsupportedError(f"{where}: HGQ2 quantizer {quantizer.name!r} is {name}; only "
                               "fixed-point quantizers (q_type 'kif' or 'kbi') are supported")
    if config.scaler is not None or config.affine is not None:
        raise UnsupportedError(f"{where}: HGQ2 quantizer {quantizer.name!r} has a scaler or "
                               "affine transform; only plain fixed-point quantizers are supported")
    rounding, overflow = inner.round_mode, inner.overflow_mode
    if rounding not in ROUNDING or overflow not in OVERFLOW:
        raise UnsupportedError(f"{where}: HGQ2 quantizer {quantizer.name!r} uses {rounding}/"
                               f"{overflow}; supported: rounding {', '.join(ROUNDING)}, overflow "
                               f"{', '.join(OVERFLOW)}")
    full = (1, *shape[1:])
    k, i, f = (_numpy(inner.bw_mapper.bw_to_x(v, full)).reshape(-1) for v in inner.kif)
    formats: list[FixedFormat | None] = []
    for kk, ii, ff in zip(k, i, f):
        kk, ii, ff = int(kk), int(ii), int(ff)
        if kk + ii + ff <= 0:  # HGQ2 zeroes these lanes (checked before raising i)
            formats.append(None)
            continue
        ii = max(ii, -ff)
        width = kk + ii + ff
        if width == 1 and kk and overflow == "SAT_SYM":  # a sign bit clamped to +-0
            formats.append(None)
            continue
        mode = overflow
        if mode == "SAT_SYM" and not kk:  # unsigned: symmetric is plain saturation
            mode = "SAT"
        if width > MAX_WIDTH - (0 if kk else 1):
            raise UnsupportedError(f"{where}: HGQ2 quantizer {quantizer.name!r} has an element "
                                   f"of {width} bits; edgesmith stores at most {MAX_WIDTH}")
        formats.append(FixedFormat(width, kk + ii, bool(kk), ROUNDING[rounding], mode))
    return formats


def exact_raw(values: np.ndarray, where: str, signed: bool = True) -> tuple[np.ndarray, int]:
    """(raw integers, fractional bits F) with ``values == raw * 2^-F`` exactly, F the fewest
    that make every value an integer (values quantized by HGQ2 are on such a grid)."""
    v = np.asarray(values, dtype=np.float64)
    if not np.all(np.isfinite(v)):
        raise UnsupportedError(f"{where}: values are not finite")
    frac = 0
    nonzero = v[v != 0]
    if nonzero.size:
        mantissa, exponent = np.frexp(nonzero)
        # a double has 53 significant bits: the lowest set one gives the LSB of each value
        ints = np.ldexp(mantissa, 53).astype(np.int64)
        low = np.array([(int(m) & -int(m)).bit_length() - 1 for m in ints])
        frac = int(np.max(53 - low - exponent))
    raw = np.ldexp(v, frac)
    if not np.array_equal(raw, np.round(raw)):
        raise UnsupportedError(f"{where}: values are not on a fixed-point grid")
    return raw.astype(np.int64), frac


def holding_format(raw: np.ndarray, frac: int, where: str, *, signed: bool = True,
                   rounding: str = "TRN", overflow: str = "WRAP") -> FixedFormat:
    """The narrowest format of ``frac`` fractional bits that holds the raw integers exactly."""
    lo, hi = int(np.min(raw, initial=0)), int(np.max(raw, initial=0))
    bits = max(hi.bit_length(), (-lo - 1).bit_length() if lo < 0 else 0) + (1 if signed else 0)
    width = max(bits, 2 if signed else 1)
    limit = MAX_WIDTH if signed else MAX_WIDTH - 1
    if width > limit:
        raise UnsupportedError(f"{where}: needs {width} bits at {frac} fractional bits; "
                               f"edgesmith's fixed-point tensors hold at most {limit}")
    return FixedFormat(width, width - frac, signed, rounding, overflow)


def covering_format(formats: list[FixedFormat], where: str) -> FixedFormat:
    """A signed format (TRN) that holds every value of every format in ``formats``, with one
    more fractional bit than the finest of them: a TRN cast onto that grid keeps the
    ties of every element's own rounding, so rounding there again is the same as rounding
    once (for RND and TRN; RND_CONV also needs the bits below, so it is refused)."""
    if any(f.rounding not in ("RND", "TRN") for f in formats):
        raise UnsupportedError(f"{where}: an input quantizer with per-element formats and "
                               f"{formats[0].rounding} rounding cannot take a single input "
                               "port; use RND or TRN rounding, or one format for the input")
    frac = max(f.frac_bits for f in formats) + 1
    ints = max(f.integer_bits + (0 if f.signed else 1) for f in formats)
    overflow = "WRAP" if formats[0].overflow == "WRAP" else "SAT"
    width = ints + frac
    if width > MAX_WIDTH:
        raise UnsupportedError(f"{where}: the input port would need {width} bits")
    return FixedFormat(width, ints, True, "TRN", overflow)


def accumulator_format(bound: int, frac: int, where: str) -> FixedFormat:
    """Signed format of ``frac`` fractional bits holding every raw value of magnitude at most
    ``bound`` (an exact integer at that binary point)."""
    width = max(int(bound).bit_length() + 1, 2)
    if width > MAX_WIDTH:
        raise UnsupportedError(f"{where}: the exact accumulator needs {width} bits "
                               f"({frac} fractional); edgesmith's fixed-point tensors hold at "
                               f"most {MAX_WIDTH}")
    return FixedFormat(width, width - frac, True, "TRN", "WRAP")


def peak_raw(fmt: FixedFormat) -> int:
    """Largest raw magnitude of a format."""
    return max(-fmt.qmin, fmt.qmax)
