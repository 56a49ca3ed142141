"""VDPC routing in generated C: one pass over the model input, then a few flags per patch.

A patch takes the 8-bit branch when its input window (halo included) holds a
value with ``|q - zero_point| > threshold`` (:mod:`edgesmith.quant.vdpc`).
The windows of neighbouring patches overlap by the halo, so scanning each
window on its own reads much of the input two or four times. Instead, the
boundaries of every window cut the input into disjoint *cells* (rows between
two consecutive row boundaries times columns between two column boundaries);
each window is a rectangle of whole cells, so a patch holds an outlier exactly
when one of its cells does. The generated code reads each byte of the input
once per inference, a *band* (the rows of one cell row) at a time, four bytes
to a word; only a row that holds an outlier is read again byte by byte, each
outlier setting its cell's bit in the band's mask (``byte_cell``); then each patch
ORs the masks of its bands and tests the bits of its cell columns.

The test itself is :func:`outlier_test`: one unsigned byte comparison per value.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import UnsupportedError
from ..memory.patch_windows import Span
from .c_patch_plan import CopyRegion


@dataclass(frozen=True)
class OutlierTest:
    """``q`` is an outlier when ``(q - low) mod 256 > span`` (unsigned), or always with
    ``every``: the integers of ``|q - zero_point| > threshold`` for int8 ``q``."""

    low: int  # 0..255: the lowest value that is no outlier, as a byte
    span: int  # 0..255: how many values above ``low`` are no outliers either
    every: int  # 1 when every value is an outlier (a negative threshold)


def outlier_test(zero_point: int, threshold: int) -> OutlierTest:
    """The byte test of VDPC's rule: ``q`` outside ``[zero_point - threshold, zero_point +
    threshold]`` (clipped to int8) is ``(q - low) mod 256 > span``; exact for every int8
    ``q`` because the interval, clipped, never wraps."""
    low, high = max(zero_point - threshold, -128), min(zero_point + threshold, 127)
    if low > high:
        return OutlierTest(0, 255, 1)
    return OutlierTest(low & 0xFF, high - low, 0)


@dataclass(frozen=True)
class CellBlock:
    """A patch's window as cells: ``rows`` bands from ``first_band``, and in each the cells
    whose bits ``columns`` sets (bit ``k``: cell column ``k``)."""

    first_band: int
    rows: int
    columns: int


@dataclass(frozen=True)
class RoutingCells:
    """The model input cut along every window boundary (module docstring)."""

    #: per cell row (a band): its rows, over the columns of every cell
    bands: tuple[CopyRegion, ...]
    #: per byte of a band's row: the cell column it belongs to
    byte_cell: tuple[int, ...]
    #: per patch, in plan order
    blocks: tuple[CellBlock, ...]


#: cell columns a band's bitmask (a uint32_t in C) holds
MAX_CELL_COLUMNS = 32


def _cuts(spans: list[Span]) -> list[int]:
    """Every boundary of ``spans``, in order: segment ``i`` is ``[cuts[i], cuts[i + 1])``."""
    return sorted({s.start for s in spans} | {s.stop for s in spans})


def _block(span: Span, cuts: list[int]) -> tuple[int, int]:
    """(first segment, segment count) of ``span``: whole segments by construction."""
    first = cuts.index(span.start)
    return first, cuts.index(span.stop) - first


def routing_cells(windows: list[tuple[Span, Span]], width: int, channels: int) -> RoutingCells:
    """The bands, cells and per-patch blocks of ``windows`` (rows, cols) on an NHWC int8
    input ``width`` pixels wide with ``channels`` channels. A segment between two windows
    that no window covers is a cell like the others, which no block reads."""
    row_cuts, col_cuts = _cuts([r for r, _ in windows]), _cuts([c for _, c in windows])
    columns = len(col_cuts) - 1
    if columns > MAX_CELL_COLUMNS:
        raise UnsupportedError(f"VDPC routing in C keeps up to {MAX_CELL_COLUMNS} cells to a "
                               f"row of the model input; these patch windows cut it into "
                               f"{columns}", hint="use a patch grid of 16 or fewer")
    pitch = width * channels
    bands = tuple(CopyRegion(from_offset=top * pitch + col_cuts[0] * channels,
                             from_pitch=pitch, to_offset=0, to_pitch=0, rows=bottom - top,
                             row_bytes=(col_cuts[-1] - col_cuts[0]) * channels)
                  for top, bottom in zip(row_cuts, row_cuts[1:]))
    byte_cell = tuple(k for k, (a, b) in enumerate(zip(col_cuts, col_cuts[1:]))
                      for _ in range((b - a) * channels))
    blocks = []
    for rows, cols in windows:
        (row0, nrows), (col0, ncols) = _block(rows, row_cuts), _block(cols, col_cuts)
        blocks.append(CellBlock(row0, nrows, ((1 << ncols) - 1) << col0))
    return RoutingCells(bands, byte_cell, tuple(blocks))
