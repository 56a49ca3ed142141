"""resize_bilinear: bilinear resize of the height and width (TFLite RESIZE_BILINEAR, Keras
UpSampling2D with bilinear interpolation), with align_corners and half_pixel_centers.

Integer tensors follow TFLite's integer kernel (ResizeBilinearInteger): positions on a
2^10 grid, four products of the raw values with 10-bit weights, one rounding of the 2^20
sum; input and output share one format. :func:`interpolation` gives the positions that
the simulator uses and that the C kernel recomputes from the same two scales."""

from __future__ import annotations

import numpy as np

from ...errors import UnsupportedError
from .base import Attr, OpDef, register
from .resize_nearest import RESIZE_NEAREST
from .tflite_read import option

ONE = 1 << 10  # positions are on a 2^10 grid


def grid_scale(in_size: int, out_size: int, align_corners: bool) -> int:
    """in / out (or (in - 1) / (out - 1) with align_corners) times 2^10, rounded."""
    if align_corners and out_size > 1:
        return (ONE * (in_size - 1) + (out_size - 1) // 2) // (out_size - 1)
    return (ONE * in_size + out_size // 2) // out_size


def interpolation(out_size: int, in_size: int, align_corners: bool, half_pixel: bool):
    """Per output position: the lower and upper input index and the weight of the upper
    one in 2^-10 (negative near the edge with half_pixel_centers, where both indices are
    0 and the weights still sum to 2^10)."""
    scale = grid_scale(in_size, out_size, align_corners)
    pos = np.arange(out_size, dtype=np.int64) * scale
    if half_pixel:
        pos += scale // 2 - ONE // 2
    lower = np.maximum(np.trunc(pos / ONE).astype(np.int64), 0)  # C division: toward zero
    upper = np.minimum(np.trunc((pos + ONE - 1) / ONE).astype(np.int64), in_size - 1)
    return lower, upper, pos - ONE * lower


def resize_integer(x: np.ndarray, a: dict) -> np.ndarray:
    """TFLite's integer bilinear resize of a batched NHWC int8 array."""
    y0, y1, wy = interpolation(a["size"][0], x.shape[1], a["align_corners"],
                               a["half_pixel_centers"])
    x0, x1, wx = interpolation(a["size"][1], x.shape[2], a["align_corners"],
                               a["half_pixel_centers"])
    v = np.asarray(x, np.int64)
    wy, wx = wy[None, :, None, None], wx[None, None, :, None]
    total = (v[:, y0][:, :, x0] * (ONE - wy) * (ONE - wx) + v[:, y1][:, :, x0] * wy * (ONE - wx)
             + v[:, y0][:, :, x1] * (ONE - wy) * wx + v[:, y1][:, :, x1] * wy * wx)
    rounded = np.where(total > 0, total + (1 << 19), total - (1 << 19))
    return (np.sign(rounded) * (np.abs(rounded) >> 20)).astype(x.dtype)  # C division


def _float(op, graph, args):
    a = op.attrs
    x = np.asarray(args[0], np.float32)
    f = np.float32
    out = []
    for axis, size in ((1, a["size"][0]), (2, a["size"][1])):
        n = x.shape[axis]
        scale = f(n - 1) / f(size - 1) if a.get("align_corners") and size > 1 else f(n) / f(size)
        offset = f(0.5) if a.get("half_pixel_centers") else f(0)
        pos = (np.arange(size, dtype=f) + offset) * scale - offset
        lo = np.maximum(np.floor(pos), 0).astype(np.int64)
        hi = np.minimum(np.ceil(pos), n - 1).astype(np.int64)
        out.append((lo, hi, (pos - lo).astype(f)))
    (y0, y1, wy), (x0, x1, wx) = out
    wy, wx = wy[None, :, None, None], wx[None, None, :, None]
    top = x[:, y0][:, :, x0] * (1 - wx) + x[:, y0][:, :, x1] * wx
    bottom = x[:, y1][:, :, x0] * (1 - wx) + x[:, y1][:, :, x1] * wx
    return (top * (1 - wy) + bottom * wy).astype(np.float32)


def _from_tflite(imp, op) -> None:
    size = tuple(int(s) for s in imp.const_values(op, 1, "size").reshape(-1))
    align, half = bool(option(op, "AlignCorners", False)), bool(option(op, "HalfPixelCenters",
                                                                        False))
    if align and half:
        raise UnsupportedError(f"{imp.path}: {op.title}: align_corners and half_pixel_centers "
                               "together are not defined")
    imp.emit(op, "resize_bilinear", op.inputs[:1],
             {"size": size, "align_corners": align, "half_pixel_centers": half})


RESIZE_BILINEAR = register(OpDef(
    "resize_bilinear", ("x",),
    {"size": Attr("ints", required=True), "align_corners": Attr("bool", False),
     "half_pixel_centers": Attr("bool", False)}, RESIZE_NEAREST.shape_fn,
    doc="NHWC height and width resized to `size` by bilinear interpolation.",
    pattern="window", quant="shares", float_ref=_float, tflite=("RESIZE_BILINEAR",),
    from_tflite=_from_tflite, keras=("UpSampling2D(interpolation=bilinear)",)))
