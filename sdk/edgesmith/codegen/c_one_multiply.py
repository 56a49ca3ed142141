"""The one-multiply output stage of a conv layer with narrow accumulators, found offline.

The fast conv kernel's usual output stage (es_nn_fast_conv_blocks.h) takes four
instructions an output: SMMLAR, ASR by the channel's shift, SSAT, STRB (five
where the clamp leaves the accumulator's sign in play). Requantization rises
with the accumulator, so on a known accumulator range it is a step function with
one step per output level inside the clamp; where the range is narrow (4- and
2-bit inputs, as on a QuantMCU low-bit branch) a single high multiply matches
every step:

    out = SSAT(SMMLAR(S * acc + delta, m, c))  ==  clamp(requantize(acc) + offset)

for every reachable acc, with the rows stored times S (a power of two up to 256,
so S * weight stays an int16) and per channel the start S * bias + delta, m and c.
The rows scaled by S give the phase of the steps a resolution of 1/S of an
accumulator unit; m carries the slope. Nothing here is assumed: each channel's
(m, c, delta) is searched near the exact slope and kept only where the stage equals
the reference requantization (``gemmlowp.multiply_by_quantized_multiplier``) on
the channel's whole accumulator range, checked value by value. Where the range is
wide (int8 inputs: error in m grows with it, and the steps are 256) a layer keeps
the usual stage; a layer takes this one only when all its channels do.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

#: the widest accumulator range (per channel, hi - lo) searched: wider ranges are
#: int8-input layers, whose 255 steps a 32-bit slope rarely matches all of (and checking
#: costs more); a clamp of at most 16 levels (4-bit outputs) is searched up to 2^19
MAX_RANGE = 1 << 17
MAX_RANGE_FEW_LEVELS = 1 << 19
#: row scales tried, largest first (S * weight must stay an int16: S <= 256)
SCALES = (256, 128, 64, 32, 16, 8, 4, 2)
#: slopes tried on each side of the exact one
SLOPE_SPAN = 16


def call_range(op, graph, fields: dict) -> tuple[tuple[int, int], tuple[int, int]] | None:
    """(clamp, raw input range) of a conv or depthwise call with parameter ``fields``, or
    None where the input has no integer range (the search needs both)."""
    fmt = graph.tensors[op.inputs[0]].fmt
    if not hasattr(fmt, "qmin"):
        return None
    act = fields["activation"]
    return (int(act["min"]), int(act["max"])), (int(fmt.qmin), int(fmt.qmax))


def ssat_bits(act: tuple[int, int]) -> int:
    """The SSAT width the fast kernels clamp ``act`` with (es_fast_ssat_bits): 4 or 2 for
    those signed ranges, else 8 (a narrower clamp is applied after it)."""
    return {(-8, 7): 4, (-2, 1): 2}.get((int(act[0]), int(act[1])), 8)


@dataclass(frozen=True)
class OneMultiplyStage:
    """A layer's stage: rows times ``scale``; per channel start, multiplier and constant."""

    scale: int
    start: np.ndarray
    multiplier: np.ndarray
    constant: np.ndarray

    def words(self) -> tuple[int, ...]:
        """Three int32 words a channel, as the kernel reads its bias argument."""
        rows = np.stack([self.start, self.multiplier, self.constant], axis=1)
        return tuple(int(v) for v in rows.reshape(-1))


def requantized(acc: np.ndarray, multiplier: int, shift: int, offset: int, lo: int,
                hi: int) -> np.ndarray:
    """clamp(MultiplyByQuantizedMultiplier(acc) + offset, lo, hi) of int64 ``acc`` with
    |acc| < 2^31, vectorized with the reference's roundings (gemmlowp)."""
    left, right = max(shift, 0), max(-shift, 0)
    x = acc.astype(np.int64) << left
    ab = x * multiplier  # < 2^62 for |x| < 2^31
    nudge = np.where(ab >= 0, 1 << 30, 1 - (1 << 30))
    total = ab + nudge
    high = np.where(total >= 0, total >> 31, -((-total) >> 31))  # division toward zero
    if right:
        mask = (1 << right) - 1
        threshold = (mask >> 1) + (high < 0)
        high = (high >> right) + ((high & mask) > threshold)
    return np.clip(high + offset, lo, hi)


def one_multiply(acc_scaled: np.ndarray, multiplier: int, constant: int, bits: int) -> np.ndarray:
    """SSAT(SMMLAR(acc_scaled, multiplier, constant), bits): the kernel's stage in numpy."""
    # |acc_scaled| < 2^31 and 0 < m < 2^31: the 64-bit sum SMMLAR forms fits int64
    high = (acc_scaled.astype(np.int64) * multiplier + (constant << 32) + (1 << 31)) >> 32
    edge = 1 << (bits - 1)
    return np.clip(high, -edge, edge - 1)


def _fit(reference: np.ndarray, lo: int, multiplier: int, shift: int, scale: int,
         act: tuple[int, int]) -> tuple[int, int, int] | None:
    """(m, c, delta) whose stage equals ``reference`` (outputs of acc = lo, lo + 1, ...),
    or None. The steps' positions bound delta for each candidate slope m."""
    levels = np.arange(act[0] + 1, act[1] + 1)
    if levels.size == 0:  # a clamp of one value: any stage, the clamp decides
        return 1, act[0], 0
    steps = lo + np.searchsorted(reference, levels)  # first acc at or above each level
    hi = lo + len(reference) - 1
    exact = multiplier * 2.0 ** (shift - 31) * 2.0 ** 32 / scale  # m's real value
    base = int(round(exact))
    for dm in range(SLOPE_SPAN + 1):
        for m in {base + dm, base - dm}:
            if m <= 0 or m >= 1 << 31:
                continue
            # the level before the first step: c so that delta near 0 lands there
            c = int(act[0] - ((scale * int(steps[0]) * m + (1 << 31)) >> 32)) + 1
            # every term below 2^58: steps < 2^20, scale <= 2^8, m < 2^31, levels < 2^9
            w = (levels - c) << 32
            reached = steps <= hi  # at a step the stage reaches its level ...
            need = w[reached] - (1 << 31) - scale * steps[reached] * m
            low_d = int(-((-need) // m).min()) if need.size else -(1 << 40)
            below = steps > lo  # ... and one before it, not yet
            limit = w[below] - (1 << 31) - scale * (steps[below] - 1) * m
            high_d = int((-((-limit) // m) - 1).min()) if limit.size else 1 << 40
            if low_d > high_d:
                continue
            return m, c, min(max(0, low_d), high_d)  # the feasible delta nearest 0
    return None


def one_multiply_stage(rows: np.ndarray, folded_bias: np.ndarray, multipliers, shifts,
                       output_offset: int, act: tuple[int, int], bits: int,
                       input_range: tuple[int, int]) -> OneMultiplyStage | None:
    """The stage of a conv layer (weight ``rows`` [O, K], ``folded_bias`` with the input
    offset folded in, raw inputs in ``input_range``, outputs clamped to ``act``, which SSAT
    to ``bits`` covers), or None where some channel has none. Patch code asks once per
    window of every patch: the same layer's answer is kept."""
    rows = np.asarray(rows, np.int64)
    bias = np.asarray(folded_bias, np.int64).reshape(-1)
    return _stage_of(rows.tobytes(), rows.shape, bias.tobytes(),
                     tuple(int(v) for v in multipliers), tuple(int(v) for v in shifts),
                     int(output_offset), (int(act[0]), int(act[1])), int(bits),
                     (int(input_range[0]), int(input_range[1])))


@functools.lru_cache(maxsize=256)
def _stage_of(rows_bytes: bytes, shape: tuple[int, int], bias_bytes: bytes, multipliers: tuple,
              shifts: tuple, output_offset: int, act: tuple[int, int], bits: int,
              input_range: tuple[int, int]) -> OneMultiplyStage | None:
    rows = np.frombuffer(rows_bytes, np.int64).reshape(shape)
    bias = np.frombuffer(bias_bytes, np.int64)
    q_lo, q_hi = input_range
    low = bias + np.minimum(rows * q_lo, rows * q_hi).sum(axis=1)
    high = bias + np.maximum(rows * q_lo, rows * q_hi).sum(axis=1)
    widest = MAX_RANGE_FEW_LEVELS if act[1] - act[0] < 16 else MAX_RANGE
    if np.any(high - low > widest) or bits not in (2, 4, 8):
        return None
    edge = 1 << (bits - 1)
    if act[0] < -edge or act[1] >= edge:
        return None
    references = [requantized(np.arange(int(a), int(b) + 1), int(m), int(s), output_offset,
                              *act) for a, b, m, s in zip(low, high, multipliers, shifts)]
    magnitude = np.abs(rows).sum(axis=1) * max(abs(q_lo), abs(q_hi)) + np.abs(bias)
    for scale in SCALES:
        if np.any(np.abs(scale * rows) >= 1 << 15):
            continue
        found = []
        for ref, a, m, s, b, most in zip(references, low, multipliers, shifts, bias, magnitude):
            fit = _fit(ref, int(a), int(m), int(s), scale, act)
            # every partial sum, from the start S * bias + delta on, stays inside int32
            if fit is None or scale * int(most) + abs(fit[2]) >= 1 << 31 or not np.array_equal(
                    np.clip(one_multiply(scale * np.arange(int(a), int(a) + len(ref)) + fit[2],
                                         fit[0], fit[1], bits), *act), ref):
                break
            found.append((scale * int(b) + fit[2], fit[0], fit[1]))
        if len(found) == len(rows):
            start, mult, const = (np.array(v, np.int64) for v in zip(*found))
            return OneMultiplyStage(scale, start, mult, const)
    return None
