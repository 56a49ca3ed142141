"""resize_nearest: nearest-neighbour resize of the height and width (TFLite
RESIZE_NEAREST_NEIGHBOR, Keras UpSampling2D with nearest interpolation).

The source index of each output row and column follows TFLite's reference kernel exactly,
in single precision: scale = in / out, or (in - 1) / (out - 1) with align_corners; the
source is floor((i + offset) * scale), or round-half-away with align_corners; offset 0.5
with half_pixel_centers; clamped to [0, in - 1]."""

from __future__ import annotations

import numpy as np

from .base import Attr, OpDef, register
from .tflite_read import option


def source_index(out_size: int, in_size: int, align_corners: bool, half_pixel: bool) -> np.ndarray:
    """The input index each of ``out_size`` output positions reads."""
    f = np.float32
    if align_corners and out_size > 1:
        scale = f(in_size - 1) / f(out_size - 1)
    else:
        scale = f(in_size) / f(out_size)
    pos = (np.arange(out_size, dtype=f) + f(0.5 if half_pixel else 0.0)) * scale
    if align_corners:
        idx = np.sign(pos) * np.floor(np.abs(pos) + f(0.5))  # round half away from zero
    else:
        idx = np.floor(pos)
    idx = np.minimum(idx.astype(np.int64), in_size - 1)
    return np.maximum(idx, 0) if half_pixel else idx


def _shape(shapes, a):
    n, _, _, c = shapes[0]
    return [(n, *a["size"], c)]


def _move(x, a):
    rows = source_index(a["size"][0], x.shape[1], a["align_corners"], a["half_pixel_centers"])
    cols = source_index(a["size"][1], x.shape[2], a["align_corners"], a["half_pixel_centers"])
    return x[:, rows][:, :, cols]


def _from_tflite(imp, op) -> None:
    size = tuple(int(s) for s in imp.const_values(op, 1, "size").reshape(-1))
    imp.emit(op, "resize_nearest", op.inputs[:1],
             {"size": size, "align_corners": bool(option(op, "AlignCorners", False)),
              "half_pixel_centers": bool(option(op, "HalfPixelCenters", False))})


RESIZE_NEAREST = register(OpDef(
    "resize_nearest", ("x",),
    {"size": Attr("ints", required=True), "align_corners": Attr("bool", False),
     "half_pixel_centers": Attr("bool", False)}, _shape,
    doc="NHWC height and width resized to `size` by nearest neighbour (TFLite's index rule).",
    pattern="injective", quant="shares", move=_move, tflite=("RESIZE_NEAREST_NEIGHBOR",),
    from_tflite=_from_tflite))
